// The pieces every form is built from, so each form behaves the same way without JavaScript:
// a label on every field, the API's error for a field shown beside it and tied to it
// (aria-describedby, aria-invalid), an error summary at the top that links to each field
// (focused on load by common.js when present), and the values kept after a refusal.
//
//   const v = valuesOf(form);                      // what was sent, to render again
//   <ErrorSummary errors={errors} />
//   <Field name="heldOn" label="Held on" type="date" values={v} errors={errors} />
//   <Select name="supervisorId" label="Supervisor" options={[["id", "Name"]]} values={v} errors={errors} />
//
// Field names are the API's field paths (`errors[].path`), so an error lands beside the field
// the person typed into; `errorPaths` maps a path the API names to a differently named field.
// Several forms on one page with the same field names: give each its own `form` (a short
// key such as "void-<id>"), which goes into the ids, so every label and link finds its field.
import type { Child } from "hono/jsx";

export type FormValues = Record<string, string | string[] | undefined>;
export type FormErrors = Record<string, string>;

const idOf = (name: string, form?: string) => `f-${form ? `${form}-` : ""}${name}`.replace(/[^A-Za-z0-9_-]/g, "-");
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const many = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? [v] : []);

/** A refusal's errors for the fields of this form; any others (or none named) under "" for the summary. */
export function errorsFor(errors: FormErrors, fields: readonly string[], detail?: string): FormErrors {
  const out: FormErrors = {};
  for (const [path, message] of Object.entries(errors)) {
    const field = fields.find((f) => path === f || path.startsWith(`${f}.`));
    out[field ?? ""] ??= message;
  }
  if (detail && Object.keys(out).length === 0) out[""] = detail;
  return out;
}

/** Lists the form's errors, each linking to its field; says nothing when there are none. */
export function ErrorSummary(props: { errors: FormErrors; title?: string; form?: string }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} data-error-summary>
      <h2>{props.title ?? "There is a problem"}</h2>
      <ul>
        {entries.map(([name, message]) => (
          <li>{name ? <a href={`#${idOf(name, props.form)}`}>{message}</a> : message}</li>
        ))}
      </ul>
    </div>
  );
}

function described(name: string, errors: FormErrors, hint?: string, form?: string) {
  const ids = [hint ? `${idOf(name, form)}-hint` : "", errors[name] ? `${idOf(name, form)}-error` : ""].filter(Boolean).join(" ");
  return { "aria-describedby": ids || undefined, "aria-invalid": errors[name] ? "true" : undefined };
}

function Around(props: { name: string; label: string; hint?: string; errors: FormErrors; form?: string; children: Child }) {
  const id = idOf(props.name, props.form);
  return (
    <div class={props.errors[props.name] ? "field field-error" : "field"}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.errors[props.name] ? (
        <p class="error" id={`${id}-error`}>
          {props.errors[props.name]}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

/** A text-like input (text, email, tel, date, time, number, password, search). */
export function Field(props: {
  name: string;
  label: string;
  type?: string;
  values: FormValues;
  errors: FormErrors;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  inputmode?: "decimal" | "email" | "none" | "numeric" | "search" | "tel" | "text" | "url";
  step?: string;
  min?: string;
  max?: string;
  form?: string;
}) {
  return (
    <Around name={props.name} label={props.label} hint={props.hint} errors={props.errors} form={props.form}>
      <input
        id={idOf(props.name, props.form)}
        name={props.name}
        type={props.type ?? "text"}
        value={props.type === "password" ? undefined : one(props.values[props.name])}
        required={props.required}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        step={props.step}
        min={props.min}
        max={props.max}
        {...described(props.name, props.errors, props.hint, props.form)}
      />
    </Around>
  );
}

export function TextArea(props: { name: string; label: string; values: FormValues; errors: FormErrors; hint?: string; required?: boolean; rows?: number; form?: string }) {
  return (
    <Around name={props.name} label={props.label} hint={props.hint} errors={props.errors} form={props.form}>
      <textarea id={idOf(props.name, props.form)} name={props.name} rows={props.rows ?? 3} required={props.required} {...described(props.name, props.errors, props.hint, props.form)}>
        {one(props.values[props.name])}
      </textarea>
    </Around>
  );
}

/** One choice from a list; `options` are [value, words]. An empty first option when `blank`. */
export function Select(props: { name: string; label: string; options: readonly (readonly [string, string])[]; values: FormValues; errors: FormErrors; hint?: string; blank?: string; required?: boolean; form?: string }) {
  const chosen = one(props.values[props.name]);
  return (
    <Around name={props.name} label={props.label} hint={props.hint} errors={props.errors} form={props.form}>
      <select id={idOf(props.name, props.form)} name={props.name} required={props.required} {...described(props.name, props.errors, props.hint, props.form)}>
        {props.blank !== undefined ? <option value="">{props.blank}</option> : null}
        {props.options.map(([value, words]) => (
          <option value={value} selected={value === chosen}>
            {words}
          </option>
        ))}
      </select>
    </Around>
  );
}

/** Several choices (checkboxes sharing a name): the form sends each ticked value. */
export function Checkboxes(props: { name: string; legend: string; options: readonly (readonly [string, string])[]; values: FormValues; errors: FormErrors; hint?: string; form?: string }) {
  const chosen = many(props.values[props.name]);
  return (
    <fieldset id={idOf(props.name, props.form)} class={props.errors[props.name] ? "field field-error choices" : "field choices"} {...described(props.name, props.errors, props.hint, props.form)}>
      <legend>{props.legend}</legend>
      {props.hint ? (
        <p class="hint" id={`${idOf(props.name, props.form)}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.errors[props.name] ? (
        <p class="error" id={`${idOf(props.name, props.form)}-error`}>
          {props.errors[props.name]}
        </p>
      ) : null}
      {props.options.map(([value, words]) => (
        <label>
          <input type="checkbox" name={props.name} value={value} checked={chosen.includes(value)} />
          <span>{words}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** A confirmation after POST → 303 → GET (`?done=…` on the page it lands on). */
export function Notice(props: { text: string | undefined }) {
  if (!props.text) return null;
  return (
    <p class="notice" role="status">
      {props.text}
    </p>
  );
}
