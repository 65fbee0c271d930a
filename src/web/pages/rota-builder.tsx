// The rota builder (/rota/:id): one rota's patterns (add with a preview, end), its week
// with gaps, and the forms a manager fills a gap with: assign a person (the picker puts
// who is free first and says why the others are not, as far as the API tells), cancel an
// assignment with a reason, run a rotation. /rota/new is the form that creates a rota.
// Every form posts to this page and works without JavaScript.
import type { z } from "@hono/zod-openapi";
import type { CurrentUser } from "../../deps.js";
import type { RotaSchema } from "../../rota/routes.js";
import { Layout } from "../layout.js";
import { eachDay, localDay } from "../../calendar/days.js";
import { fmtDate, fmtDay, fmtInstant, fmtSpan, words } from "../format.js";
import { Checkboxes, ErrorSummary, Field, Notice, Select, TextArea, type FormErrors, type FormValues } from "../forms.js";
import { gapsByDay, type Gap, type Shift } from "./rota.js";
import type { PatternSpec } from "../../rota/expand.js";

export type Rota = z.output<typeof RotaSchema>;
/** A pattern as the rota's API returns it (the shape the rota's own expansion takes). */
export type Pattern = PatternSpec;
export interface Conflict {
  kind: string;
  staffId: string;
  assignmentId: string;
  start: string;
  end: string;
  detail: string;
}
/** A person in the picker: `why` says why they are not free for the chosen shift (empty: free, as far as the API tells). */
export interface Candidate {
  id: string;
  name: string;
  why: string;
}
export interface PreviewShift {
  start: string;
  end: string;
  label: string | null;
  /** Hours actually worked (differs from the length on the clock across a clock change). */
  hours: number;
  clockChange: boolean;
}
export interface Preview {
  next: PreviewShift[];
  clockChange?: { day: string; shifts: PreviewShift[] };
}

/** Which form was sent and refused, with its values as sent and its errors. */
export interface Sent {
  form: "add-pattern" | "preview" | "end-pattern" | "assign" | "cancel" | "rotation" | "rotation-preview";
  values: FormValues;
  errors: FormErrors;
}

export interface BuilderData {
  rota: Rota & { patterns: Pattern[] };
  canEdit: boolean;
  date: string;
  from: string;
  to: string;
  prev: string;
  next: string;
  today: string;
  shifts: Shift[] | null;
  gaps: Gap[] | null;
  conflicts: Conflict[] | null;
  /** The slot the picker was worked out for ("start|end"), if any. */
  slot?: string;
  cancelId?: string;
  candidates: Candidate[] | null;
  /** Everyone who may be put on a rotation (active staff). */
  people: { id: string; name: string }[] | null;
  sent?: Sent;
  preview?: Preview;
  /** The pattern shifts in a rotation's dates with places still open (nothing assigned yet). */
  rotationPreview?: { shifts: Shift[]; people: string[] };
  /** The API's dry run found warnings for the assignment sent: shown before saving, with "Assign anyway". */
  assignWarnings?: { kind: string; detail: string }[];
  done?: string;
}

export const DAYS = [
  ["MO", "Mon"],
  ["TU", "Tue"],
  ["WE", "Wed"],
  ["TH", "Thu"],
  ["FR", "Fri"],
  ["SA", "Sat"],
  ["SU", "Sun"],
] as const;

export const KINDS = [
  ["amhp_duty", "AMHP duty"],
  ["manager_cover", "Duty-manager cover"],
] as const;

const kindWords = (k: string) => KINDS.find(([v]) => v === k)?.[1] ?? words(k);
const slotOf = (s: { start: string; end: string }) => `${s.start}|${s.end}`;
const hoursText = (n: number) => `${Math.round(n * 100) / 100} h`;

function ruleWords(p: Pattern): string {
  const m = /BYDAY=([A-Z,]+)/.exec(p.rrule);
  const days = m ? m[1]!.split(",").map((d) => DAYS.find(([v]) => v === d)?.[1] ?? d).join(", ") : /FREQ=DAILY/.test(p.rrule) && !/;/.test(p.rrule) ? "Every day" : p.rrule;
  const bh = p.skipBankHolidays ? ", not on bank holidays" : p.addBankHolidays ? ", and on bank holidays" : "";
  return `${days}${bh}`;
}

function PreviewList({ shifts, tz }: { shifts: PreviewShift[]; tz: string }) {
  return (
    <ul class="plain">
      {shifts.map((s) => (
        <li>
          <strong>{fmtDay(localDay(new Date(s.start), tz))}</strong> {fmtSpan(s.start, s.end, tz)} {s.label ? <span class="hint">{s.label}</span> : null}
          {s.clockChange ? <span class="tag warn"> {hoursText(s.hours)} worked: the clocks change</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function RotaBuilderPage({ user, tz, data }: { user: CurrentUser; tz: string; data: BuilderData }) {
  const { rota, canEdit, shifts, gaps, conflicts, sent } = data;
  const base = `/rota/${encodeURIComponent(rota.id)}`;
  const vals = (form: Sent["form"] | Sent["form"][], fallback: FormValues = {}): FormValues => (sent && [form].flat().includes(sent.form) ? sent.values : fallback);
  const errs = (form: Sent["form"] | Sent["form"][]): FormErrors => (sent && [form].flat().includes(sent.form) ? sent.errors : {});
  const days = eachDay(data.from, data.to);
  const dayGaps = gapsByDay(shifts ?? [], gaps ?? [], tz);
  const weekLink = (date: string) => `${base}?date=${date}`;
  const assignLink = (s: { start: string; end: string }) => `${base}?date=${data.date}&slot=${encodeURIComponent(slotOf(s))}#assign`;
  const cancelLink = (id: string) => `${base}?date=${data.date}&cancel=${encodeURIComponent(id)}#cancel`;
  const slots: [string, string][] = [];
  for (const d of days) {
    for (const g of dayGaps.get(d) ?? []) slots.push([slotOf(g), `GAP ${fmtDay(localDay(new Date(g.start), tz))} ${fmtSpan(g.start, g.end, tz)}`]);
    for (const s of (shifts ?? []).filter((x) => localDay(new Date(x.start), tz) === d)) {
      slots.push([slotOf(s), `${fmtDay(d)} ${fmtSpan(s.start, s.end, tz)}${s.label ? ` ${s.label}` : ""}${s.staff.length ? ` (${s.staff.map((p) => p.name).join(", ")})` : " (unstaffed)"}`]);
    }
  }
  if (data.slot && !slots.some(([v]) => v === data.slot)) {
    const [a, b] = data.slot.split("|");
    if (a && b) slots.unshift([data.slot, `${fmtInstant(a, tz)} to ${fmtInstant(b, tz)}`]);
  }
  const held = (shifts ?? []).flatMap((s) => s.staff.map((p) => ({ ...p, label: s.label })));
  const assignments = [...new Map(held.map((a) => [a.assignmentId, a])).values()].sort((a, b) => a.start.localeCompare(b.start));
  const free = (data.candidates ?? []).filter((c) => !c.why);
  const busy = (data.candidates ?? []).filter((c) => c.why);
  const assignErrors = errs("assign");
  const assignValues = vals("assign", { slot: data.slot ?? "" });
  const assignSlotLabel = slots.find(([v]) => v === assignValues.slot)?.[1] ?? "this shift";
  const livePatterns = rota.patterns.filter((p) => !p.endsOn || p.endsOn >= data.today);

  return (
    <Layout title={rota.name} user={user} current="/rota" tz={tz}>
      <div class="rb">
        <p>
          <a href="/rota">← All rotas</a>
        </p>
        <h1>{rota.name}</h1>
        <p class="hint">
          {kindWords(rota.kind)} · {rota.requiredStaff} {rota.requiredStaff === 1 ? "person" : "people"} needed on each shift
        </p>
        <Notice text={data.done} />

        <section aria-labelledby="week-h">
          <h2 id="week-h">Week of {fmtDay(data.from)}</h2>
          <nav class="actions" aria-label="Move in time">
            <a class="button secondary" href={weekLink(data.prev)}>
              ← Earlier
            </a>
            <a class="button secondary" href={weekLink(data.today)}>
              This week
            </a>
            <a class="button secondary" href={weekLink(data.next)}>
              Later →
            </a>
          </nav>
          {shifts === null ? <p class="notice warn">Shifts are not available right now.</p> : null}
          {gaps && gaps.length ? (
            <p class="notice bad">Gaps are shifts with fewer than {rota.requiredStaff} on them. Use "Assign someone" beside a gap to fill it.</p>
          ) : gaps ? (
            <p class="notice good">No gaps this week.</p>
          ) : null}
          <ol class="plain week">
            {days.map((d) => {
              const ds = (shifts ?? []).filter((s) => localDay(new Date(s.start), tz) === d);
              const dg = dayGaps.get(d) ?? [];
              return (
                <li class={dg.length ? "gap-day" : undefined}>
                  <h3>
                    {fmtDay(d)} {d === data.today ? <span class="tag good">TODAY</span> : null}
                  </h3>
                  {ds.length ? (
                    <ul class="plain">
                      {ds.map((s) => (
                        <li>
                          <strong>{fmtSpan(s.start, s.end, tz)}</strong> {s.label ? <span class="hint">{s.label}</span> : null}
                          <ul class="plain rb-people">
                            {s.staff.map((p) => (
                              <li>
                                {p.name}
                                {p.start !== s.start || p.end !== s.end ? <span class="hint"> ({fmtSpan(p.start, p.end, tz)})</span> : null}
                                {canEdit ? (
                                  <>
                                    {" "}
                                    <a href={cancelLink(p.assignmentId)}>Cancel {p.name}'s shift</a>
                                  </>
                                ) : null}
                              </li>
                            ))}
                            {s.staff.length === 0 ? (
                              <li>
                                <span class="tag bad">UNSTAFFED</span>
                              </li>
                            ) : null}
                          </ul>
                          {canEdit ? <a href={assignLink(s)}>Assign to {fmtSpan(s.start, s.end, tz)}</a> : null}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p class="hint">No shifts.</p>
                  )}
                  {dg.map((g) => (
                    <p class="notice bad">
                      GAP {fmtSpan(g.start, g.end, tz)}
                      {canEdit ? (
                        <>
                          {" "}
                          <a href={assignLink(g)}>Assign someone to the gap {fmtSpan(g.start, g.end, tz)}</a>
                        </>
                      ) : null}
                    </p>
                  ))}
                </li>
              );
            })}
          </ol>
          {conflicts && conflicts.length ? (
            <section class="card" aria-labelledby="conflicts-h">
              <h3 id="conflicts-h">Warnings on this week's assignments</h3>
              <ul>
                {conflicts.map((x) => (
                  <li>
                    <strong>{words(x.kind)}</strong> ({held.find((h) => h.id === x.staffId)?.name ?? "someone"}, {fmtSpan(x.start, x.end, tz)}): {x.detail}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </section>

        {canEdit ? (
          <>
            <section class="card" id="assign" aria-labelledby="assign-h">
              <h2 id="assign-h">Assign a person</h2>
              <form method="post" action={`${base}?date=${data.date}`}>
                <input type="hidden" name="_action" value="assign" />
                <input type="hidden" name="date" value={data.date} />
                <ErrorSummary errors={assignErrors} />
                <Select name="slot" label="Shift or gap" options={slots} values={assignValues} errors={assignErrors} blank="Pick a shift or gap" />
                <div class={assignErrors.staffId ? "field field-error" : "field"}>
                  <label for="f-staffId">Person</label>
                  <p class="hint" id="f-staffId-hint">
                    {data.slot
                      ? "Free for this shift first. Working Time and leave are checked when you press Assign; any warning is shown before anything is saved."
                      : 'Pick a gap with "Assign someone" above to see who is free for it.'}
                  </p>
                  {assignErrors.staffId ? (
                    <p class="error" id="f-staffId-error">
                      {assignErrors.staffId}
                    </p>
                  ) : null}
                  <select
                    id="f-staffId"
                    name="staffId"
                    aria-describedby={`f-staffId-hint${assignErrors.staffId ? " f-staffId-error" : ""}`}
                    aria-invalid={assignErrors.staffId ? "true" : undefined}
                  >
                    <option value="">Choose a person</option>
                    {free.length ? (
                      <optgroup label={data.slot ? "Free for this shift" : "People"}>
                        {free.map((c) => (
                          <option value={c.id} selected={c.id === assignValues.staffId}>
                            {c.name}
                          </option>
                        ))}
                      </optgroup>
                    ) : null}
                    {busy.length ? (
                      <optgroup label="Not free or not eligible">
                        {busy.map((c) => (
                          <option value={c.id} selected={c.id === assignValues.staffId}>
                            {c.name}: {c.why}
                          </option>
                        ))}
                      </optgroup>
                    ) : null}
                  </select>
                </div>
                {busy.length ? (
                  <details class="rb-why">
                    <summary>Why some people are not free</summary>
                    <ul>
                      {busy.map((c) => (
                        <li>
                          {c.name}: {c.why}
                        </li>
                      ))}
                    </ul>
                  </details>
                ) : null}
                <button type="submit">Assign</button>
              </form>
              {data.assignWarnings?.length && sent?.form === "assign" ? (
                <div class="rb-confirm" role="alert" aria-labelledby="assign-warn-h">
                  <h3 id="assign-warn-h">Check before assigning: nothing is saved yet</h3>
                  <p>
                    Assigning {(data.candidates ?? []).find((c) => c.id === assignValues.staffId)?.name ?? "this person"} to {assignSlotLabel} gives{" "}
                    {data.assignWarnings.length === 1 ? "this warning" : "these warnings"}:
                  </p>
                  <ul>
                    {data.assignWarnings.map((w) => (
                      <li>
                        <strong>{words(w.kind)}:</strong> {w.detail}
                      </li>
                    ))}
                  </ul>
                  <form method="post" action={`${base}?date=${data.date}`}>
                    <input type="hidden" name="_action" value="assign-confirmed" />
                    <input type="hidden" name="date" value={data.date} />
                    <input type="hidden" name="slot" value={String([assignValues.slot].flat()[0] ?? "")} />
                    <input type="hidden" name="staffId" value={String([assignValues.staffId].flat()[0] ?? "")} />
                    <button type="submit">Assign anyway</button>
                  </form>
                  <p class="hint">Or choose someone else above and press Assign.</p>
                </div>
              ) : null}
            </section>

            <section class="card" id="cancel" aria-labelledby="cancel-h">
              <h2 id="cancel-h">Cancel an assignment</h2>
              {assignments.length === 0 && !sent ? (
                <p>Nobody is assigned this week.</p>
              ) : (
                <form method="post" action={`${base}?date=${data.date}`}>
                  <input type="hidden" name="_action" value="cancel" />
                  <ErrorSummary errors={errs("cancel")} />
                  <Select
                    name="assignmentId"
                    label="Assignment"
                    options={assignments.map((a) => [a.assignmentId, `${a.name}, ${fmtDay(localDay(new Date(a.start), tz))} ${fmtSpan(a.start, a.end, tz)}`] as const)}
                    values={vals("cancel", { assignmentId: data.cancelId ?? "" })}
                    errors={errs("cancel")}
                    blank="Pick an assignment"
                  />
                  <TextArea name="reason" label="Reason" hint="Kept with the cancelled shift, for the record." values={vals("cancel")} errors={errs("cancel")} />
                  <button type="submit" class="danger">
                    Cancel assignment
                  </button>
                </form>
              )}
            </section>
          </>
        ) : null}

        <section class="card" aria-labelledby="patterns-h">
          <h2 id="patterns-h">Patterns</h2>
          {rota.patterns.length === 0 ? (
            <p>No patterns yet: add one below so the rota has shifts.</p>
          ) : (
            <ul>
              {rota.patterns.map((p) => (
                <li>
                  <strong>{p.label ?? "Shift"}</strong>: {ruleWords(p)}, from {p.startTime} for {hoursText(p.durationMinutes / 60)}; from {fmtDate(p.startsOn)}
                  {p.endsOn ? `, last day ${fmtDate(p.endsOn)}` : ", no end date"}
                </li>
              ))}
            </ul>
          )}
          {canEdit && livePatterns.length ? (
            <form method="post" action={`${base}?date=${data.date}`} id="end-pattern">
              <h3>End a pattern</h3>
              <input type="hidden" name="_action" value="end-pattern" />
              <ErrorSummary errors={errs("end-pattern")} />
              <Select
                name="patternId"
                label="Pattern"
                options={livePatterns.map((p) => [p.id, `${p.label ?? "Shift"}: ${ruleWords(p)}, ${p.startTime}`] as const)}
                values={vals("end-pattern")}
                errors={errs("end-pattern")}
                blank="Pick a pattern"
              />
              <Field name="endsOn" label="Last day of shifts" type="date" values={vals("end-pattern")} errors={errs("end-pattern")} />
              <button type="submit" class="secondary">
                End pattern
              </button>
            </form>
          ) : null}
        </section>

        {canEdit ? (
          <section class="card" id="add-pattern" aria-labelledby="add-pattern-h">
            <h2 id="add-pattern-h">Add a pattern</h2>
            <form method="post" action={`${base}?date=${data.date}#add-pattern`}>
              <ErrorSummary errors={errs(["add-pattern", "preview"])} />
              <Field name="label" label="Label" hint="For example Day, Night, Weekend." values={vals(["add-pattern", "preview"])} errors={errs(["add-pattern", "preview"])} />
              <Checkboxes name="days" legend="Days" options={DAYS} values={vals(["add-pattern", "preview"])} errors={errs(["add-pattern", "preview"])} />
              <Field name="startTime" label="Start time" hint="24-hour clock, for example 09:00 or 17:00." values={vals(["add-pattern", "preview"])} errors={errs(["add-pattern", "preview"])} />
              <Field
                name="hours"
                label="Length"
                type="number"
                step="0.25"
                min="0.25"
                hint="Hours on the clock: 17:00 for 16 hours ends at 09:00, even when the clocks change."
                values={vals(["add-pattern", "preview"])}
                errors={errs(["add-pattern", "preview"])}
              />
              <Select
                name="bankHolidays"
                label="Bank holidays"
                options={[
                  ["", "As the days say"],
                  ["skip", "No shift on bank holidays"],
                  ["add", "Also a shift on every bank holiday"],
                ]}
                values={vals(["add-pattern", "preview"])}
                errors={errs(["add-pattern", "preview"])}
              />
              <Field name="startsOn" label="Starts on" type="date" hint="Leave empty to start today." values={vals(["add-pattern", "preview"])} errors={errs(["add-pattern", "preview"])} />
              <Field name="endsOn" label="Ends on" type="date" hint="Leave empty for no end." values={vals(["add-pattern", "preview"])} errors={errs(["add-pattern", "preview"])} />
              <details class="rb-advanced" open={!!vals(["add-pattern", "preview"]).rrule || !!errs(["add-pattern", "preview"]).rrule}>
                <summary>Advanced: write the rule yourself</summary>
                <Field
                  name="rrule"
                  label="RRULE"
                  hint="An RFC 5545 rule such as FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU. When filled in, it is used instead of Days."
                  values={vals(["add-pattern", "preview"])}
                  errors={errs(["add-pattern", "preview"])}
                />
              </details>
              <div class="actions">
                <button type="submit" name="_action" value="preview" class="secondary">
                  Preview
                </button>
                <button type="submit" name="_action" value="add-pattern">
                  Add pattern
                </button>
              </div>
            </form>
            {data.preview ? (
              <section aria-labelledby="preview-h" class="rb-preview">
                <h3 id="preview-h">Preview: the next shifts (nothing saved yet)</h3>
                {data.preview.next.length ? <PreviewList shifts={data.preview.next} tz={tz} /> : <p>This pattern makes no shifts.</p>}
                {data.preview.clockChange ? (
                  <>
                    <h4>Around the clock change on {fmtDate(data.preview.clockChange.day)}</h4>
                    {data.preview.clockChange.shifts.length ? <PreviewList shifts={data.preview.clockChange.shifts} tz={tz} /> : <p>No shifts that week.</p>}
                  </>
                ) : null}
              </section>
            ) : null}
          </section>
        ) : null}

        {canEdit ? (
          <section class="card" id="rotation" aria-labelledby="rotation-h">
            <h2 id="rotation-h">Run a rotation</h2>
            <p>Shares out the patterns' shifts in the dates given, in turn, to the people ticked. Shifts already held are left alone; anyone not eligible, on leave, off sick or already on duty is passed over.</p>
            <form method="post" action={`${base}?date=${data.date}#rotation`}>
              <ErrorSummary errors={errs(["rotation", "rotation-preview"])} />
              <Field name="from" label="From" type="date" values={vals(["rotation", "rotation-preview"])} errors={errs(["rotation", "rotation-preview"])} />
              <Field name="to" label="To" type="date" hint="Up to and including this day." values={vals(["rotation", "rotation-preview"])} errors={errs(["rotation", "rotation-preview"])} />
              {data.people ? (
                <Checkboxes
                  name="staffIds"
                  legend="People, in this order"
                  options={data.people.map((p) => [p.id, p.name] as const)}
                  values={vals(["rotation", "rotation-preview"])}
                  errors={errs(["rotation", "rotation-preview"])}
                />
              ) : (
                <p class="notice warn">The staff list is not available right now.</p>
              )}
              <div class="actions">
                <button type="submit" name="_action" value="rotation-preview" class="secondary">
                  Preview
                </button>
                <button type="submit" name="_action" value="rotation">
                  Run rotation
                </button>
              </div>
            </form>
            {data.rotationPreview ? (
              <section aria-labelledby="rotation-preview-h" class="rb-rotation-preview">
                <h3 id="rotation-preview-h">Preview: shifts with places to fill (nothing assigned yet)</h3>
                {data.rotationPreview.shifts.length ? (
                  <>
                    <p>
                      {data.rotationPreview.shifts.length} shift{data.rotationPreview.shifts.length === 1 ? "" : "s"}, shared in turn among{" "}
                      {data.rotationPreview.people.length ? data.rotationPreview.people.join(", ") : "the people you tick"}; anyone not free for a shift is passed over.
                    </p>
                    <ul class="plain">
                      {data.rotationPreview.shifts.map((s) => (
                        <li>
                          <strong>{fmtDay(localDay(new Date(s.start), tz))}</strong> {fmtSpan(s.start, s.end, tz)} {s.label ? <span class="hint">{s.label}</span> : null}
                          {s.staff.length ? <span class="hint"> (now: {s.staff.map((p) => p.name).join(", ")})</span> : null}
                        </li>
                      ))}
                    </ul>
                  </>
                ) : (
                  <p>Every shift in these dates is already staffed.</p>
                )}
              </section>
            ) : null}
          </section>
        ) : null}
      </div>
    </Layout>
  );
}

export function NewRotaPage({ user, values, errors }: { user: CurrentUser; values: FormValues; errors: FormErrors }) {
  return (
    <Layout title="New rota" user={user} current="/rota">
      <div class="rb">
        <p>
          <a href="/rota">← All rotas</a>
        </p>
        <h1>New rota</h1>
        <form method="post" action="/rota/new" class="card">
          <ErrorSummary errors={errors} />
          <Field name="name" label="Name" hint="For example AMHP day duty, North." values={values} errors={errors} />
          <Select name="kind" label="Kind" options={KINDS} values={values} errors={errors} />
          <Field name="requiredStaff" label="People needed on each shift" type="number" min="1" max="50" values={{ requiredStaff: "1", ...values }} errors={errors} />
          <button type="submit">Create rota</button>
        </form>
      </div>
    </Layout>
  );
}

export function NoRotaPage({ user }: { user: CurrentUser }) {
  return (
    <Layout title="No such rota" user={user} current="/rota">
      <h1>No such rota</h1>
      <p>This rota does not exist, or is not yours to see.</p>
      <p>
        <a href="/rota">All rotas</a>
      </p>
    </Layout>
  );
}
