import type { z } from "@hono/zod-openapi";
import type { CurrentUser } from "../../deps.js";
import type { MyShifts, OnDuty, SwapList } from "../../rota/routes.js";
import type { HrRecord } from "../../hr/routes.js";
import { ErrorSummary, Notice, TextArea, type FormErrors } from "../forms.js";
import type { VisitList } from "../../lone-working/visits/routes.js";
import { Layout } from "../layout.js";
import { localDay } from "../../calendar/days.js";
import { fmtDate, fmtDay, fmtSpan, fmtTime, words } from "../format.js";

/** What the API gave (null: it refused, and the page says so). */
export interface HomeData {
  shifts: z.output<typeof MyShifts>["shifts"] | null;
  onDuty: z.output<typeof OnDuty> | null;
  visits: z.output<typeof VisitList>["visits"] | null;
  /** Supervision sessions waiting for my confirmation. */
  awaiting: z.output<typeof HrRecord>[] | null;
  /** Swaps I offered or was offered, still open. */
  swaps: z.output<typeof SwapList>["swaps"] | null;
  /** Names of people (colleagues on my rotas; everyone for a manager). */
  names: Map<string, string>;
  /** Whom each of my shifts may be offered to, by rota: [id, name]. */
  colleagues: Map<string, [string, string][]>;
}

/** A refused form on this page: which one (action and record id) and why. */
export interface HomeFailure {
  action: string;
  id: string;
  errors: FormErrors;
  values: Record<string, string>;
}

const Hidden = (p: { name: string; value: string }) => <input type="hidden" name={p.name} value={p.value} />;

function SwapFormError({ failure, action, id }: { failure?: HomeFailure; action: string; id: string }) {
  if (!failure || failure.action !== action || failure.id !== id) return null;
  const message = failure.errors[""];
  return message ? (
    <p class="error" id={`${action}-${id}-error`}>
      {message}
    </p>
  ) : null;
}

/** Dispute a session waiting for me: a reason (the API's reason rule), then "Dispute". Its refusal shows beside Reason. */
function DisputeForm({ id, heldOn, failure }: { id: string; heldOn: string | null; failure?: HomeFailure }) {
  const mine = failure?.action === "dispute-supervision" && failure.id === id ? failure : undefined;
  const form = `dispute-${id}`;
  const general = mine && !mine.errors.reason ? mine.errors[""] : undefined;
  return (
    <form method="post" action="/" class="dispute-supervision" novalidate>
      <Hidden name="_action" value="dispute-supervision" />
      <Hidden name="id" value={id} />
      {general ? (
        <p class="error" id={`${form}-error`}>
          {general}
        </p>
      ) : null}
      <TextArea name="reason" label="Reason" hint="Only if it did not happen as recorded: say what is wrong." rows={2} values={mine?.values ?? {}} errors={mine?.errors.reason ? { reason: mine.errors.reason } : {}} form={form} />
      <button type="submit" class="secondary" aria-label={`Dispute the supervision${heldOn ? ` held on ${fmtDate(heldOn)}` : ""}`}>
        Dispute
      </button>
    </form>
  );
}

const Choice = (p: { name: string; value: string; label: string; checked?: boolean }) => (
  <label>
    <input type="radio" name={p.name} value={p.value} checked={p.checked} />
    <span>{p.label}</span>
  </label>
);

export function HomePage({ user, tz, data, notice, failure }: { user: CurrentUser; tz: string; data: HomeData; notice?: string; failure?: HomeFailure }) {
  const { shifts, onDuty, visits, awaiting, swaps, names, colleagues } = data;
  const nameOf = (id: string) => names.get(id) ?? "a colleague";
  const offeredToMe = (swaps ?? []).filter((s) => s.toStaffId === user.id && s.status === "offered");
  const openByAssignment = new Map((swaps ?? []).filter((s) => s.fromStaffId === user.id && s.status !== "approved").map((s) => [s.assignmentId, s]));
  const when = (start: string, end: string) => (
    <>
      <strong>{fmtDay(localDay(new Date(start), tz))}</strong> {fmtSpan(start, end, tz)}
    </>
  );
  return (
    <Layout title="My duty" user={user} current="/" scripts={["home.js"]} tz={tz}>
      <h1>My duty</h1>
      <p>Signed in as {user.name}.</p>
      <Notice text={notice} />
      {failure?.action === "dispute-supervision" ? (
        <ErrorSummary errors={failure.errors} form={`dispute-${failure.id}`} />
      ) : (
        <ErrorSummary errors={failure ? { "": Object.values(failure.errors)[0] ?? "That did not work." } : {}} />
      )}

      {visits && visits.length > 0 ? (
        <section class="card urgent" aria-labelledby="active-h">
          <h2 id="active-h">You are on a visit</h2>
          <ul class="plain">
            {visits.map((v) => (
              <li>
                <a class="button full" href={`/visits/${encodeURIComponent(v.id)}`}>
                  Open visit: {v.location.address}
                </a>
                <p class="hint">Next check-in due {fmtTime(v.nextCheckInDue, tz)}; expected end {fmtTime(v.expectedEnd, tz)}.</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {awaiting && awaiting.length > 0 ? (
        <section class="card" aria-labelledby="confirm-h">
          <h2 id="confirm-h">Supervision to confirm</h2>
          <p class="hint">A supervision counts once both of you have confirmed it. If it did not happen as recorded, dispute it with a reason: it will not count, and HR will see why.</p>
          <ul class="plain">
            {awaiting.map((r) => {
              const heldOn = typeof r.heldOn === "string" ? r.heldOn : null;
              const kind = typeof r.kind === "string" ? words(r.kind) : null;
              const minutes = typeof r.durationMinutes === "number" ? r.durationMinutes : null;
              const mine = r.staffId === user.id;
              return (
                <li class="supervision-line">
                  <p>
                    {mine ? "Your supervision" : `Supervision you gave ${nameOf(String(r.staffId))}`}
                    {heldOn ? <> held on <strong>{fmtDate(heldOn)}</strong></> : null}
                    {kind ? ` · ${kind}` : null}
                    {minutes ? ` · ${minutes} minutes` : null}
                  </p>
                  <SwapFormError failure={failure} action="confirm-supervision" id={r.id} />
                  <form method="post" action="/">
                    <Hidden name="_action" value="confirm-supervision" />
                    <Hidden name="id" value={r.id} />
                    <button type="submit" aria-label={`Confirm the supervision${heldOn ? ` held on ${fmtDate(heldOn)}` : ""}`}>
                      Confirm
                    </button>
                  </form>
                  <DisputeForm id={r.id} heldOn={heldOn} failure={failure} />
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}

      {offeredToMe.length > 0 ? (
        <section class="card" aria-labelledby="offers-h">
          <h2 id="offers-h">Shifts offered to you</h2>
          <p class="hint">Once you accept, a manager approves the swap and the shift becomes yours.</p>
          <ul class="plain">
            {offeredToMe.map((s) => (
              <li class="swap-line">
                <p>
                  {when(s.start, s.end)}
                  <br />
                  Offered by {nameOf(s.fromStaffId)}
                </p>
                <SwapFormError failure={failure} action="accept-swap" id={s.id} />
                <form method="post" action="/">
                  <Hidden name="_action" value="accept-swap" />
                  <Hidden name="id" value={s.id} />
                  <button type="submit" aria-label={`Accept the shift offered by ${nameOf(s.fromStaffId)}`}>
                    Accept
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section class="card" aria-labelledby="start-h">
        <h2 id="start-h">Start a visit</h2>
        <form id="start-visit">
          <fieldset>
            <legend>What is it?</legend>
            <div class="choices">
              <Choice name="purpose" value="mha_assessment" label="MHA assessment" checked />
              <Choice name="purpose" value="home_visit" label="Home visit" />
              <Choice name="purpose" value="other" label="Other" />
            </div>
          </fieldset>
          <label for="address">Address</label>
          <input id="address" name="address" type="text" autocomplete="street-address" required maxlength={300} />
          <fieldset>
            <legend>Expected to finish in</legend>
            <div class="choices">
              <Choice name="duration" value="30" label="30 min" />
              <Choice name="duration" value="60" label="1 h" checked />
              <Choice name="duration" value="120" label="2 h" />
              <Choice name="duration" value="180" label="3 h" />
              <Choice name="duration" value="240" label="4 h" />
            </div>
          </fieldset>
          <fieldset>
            <legend>Check in every</legend>
            <div class="choices">
              <Choice name="interval" value="15" label="15 min" />
              <Choice name="interval" value="30" label="30 min" checked />
              <Choice name="interval" value="60" label="60 min" />
              <Choice name="interval" value="" label="Only at the end" />
            </div>
          </fieldset>
          <label for="patientRef">Patient reference (optional)</label>
          <p class="hint" id="patientRef-hint">
            A reference such as a case number, never a name.
          </p>
          <input id="patientRef" name="patientRef" type="text" aria-describedby="patientRef-hint" maxlength={64} autocomplete="off" />
          <label for="riskNotes">Known risks (optional)</label>
          <textarea id="riskNotes" name="riskNotes" maxlength={1000}></textarea>
          <p id="start-error" class="error" role="alert"></p>
          <div class="form-actions">
            <button type="submit" class="full">
              Start visit
            </button>
          </div>
        </form>
      </section>

      <div class="grid2">
        <section class="card" aria-labelledby="duty-h">
          <h2 id="duty-h">On duty now</h2>
          {onDuty ? (
            <dl>
              <dt>
                <strong>AMHP</strong>
              </dt>
              <dd>{onDuty.amhp.length ? onDuty.amhp.map((p) => p.name).join(", ") : "Nobody on the rota"}</dd>
              <dt>
                <strong>Duty manager</strong>
              </dt>
              <dd>{onDuty.managers.length ? onDuty.managers.map((p) => p.name).join(", ") : "Nobody on the rota"}</dd>
            </dl>
          ) : (
            <p>Not available right now.</p>
          )}
        </section>
        <section class="card" aria-labelledby="shifts-h">
          <h2 id="shifts-h">My shifts (next 14 days)</h2>
          {shifts === null ? (
            <p>Not available right now.</p>
          ) : shifts.length === 0 ? (
            <p>No shifts.</p>
          ) : (
            <ul class="plain">
              {shifts.map((s) => {
                const open = openByAssignment.get(s.assignmentId);
                const people = colleagues.get(s.rotaId) ?? [];
                const fid = `offer-${s.assignmentId}`;
                const err = failure?.action === "offer-swap" && failure.id === s.assignmentId ? failure : undefined;
                const fieldError = err ? (err.errors.toStaffId ?? err.errors[""]) : undefined;
                return (
                  <li class="shift-line">
                    {when(s.start, s.end)}
                    {s.rotaName ? <span class="hint"> · {s.rotaName}</span> : null}
                    {open ? (
                      <p class="hint">
                        {open.status === "accepted" ? `${nameOf(open.toStaffId)} accepted your swap; waiting for a manager to approve.` : `Offered to ${nameOf(open.toStaffId)}; waiting for them to accept.`}
                      </p>
                    ) : people.length === 0 ? (
                      <p class="hint">Nobody else on this rota to offer it to.</p>
                    ) : (
                      <form method="post" action="/" class="offer-swap">
                        <Hidden name="_action" value="offer-swap" />
                        <Hidden name="assignmentId" value={s.assignmentId} />
                        <div class={fieldError ? "field field-error" : "field"}>
                          <label for={fid}>Offer to</label>
                          {fieldError ? (
                            <p class="error" id={`${fid}-error`}>
                              {fieldError}
                            </p>
                          ) : null}
                          <select id={fid} name="toStaffId" aria-describedby={fieldError ? `${fid}-error` : undefined} aria-invalid={fieldError ? "true" : undefined}>
                            <option value="">Choose a colleague</option>
                            {people.map(([id, name]) => (
                              <option value={id} selected={err?.values.toStaffId === id}>
                                {name}
                              </option>
                            ))}
                          </select>
                        </div>
                        <button type="submit" class="secondary">
                          Offer swap
                        </button>
                      </form>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      </div>

      <section class="card" aria-labelledby="duress-h">
        <h2 id="duress-h">Duress PIN</h2>
        <p>
          If someone makes you check out, type this PIN in the check-out box instead. The screen shows an ordinary check-out, and the duty manager is alerted
          silently.
        </p>
        <form id="duress-form">
          <label for="duress-pin">New duress PIN</label>
          <p class="hint" id="duress-hint">
            4 to 12 digits. Not your phone's unlock code.
          </p>
          <input id="duress-pin" name="pin" type="password" inputmode="numeric" autocomplete="off" maxlength={12} aria-describedby="duress-hint" />
          <label for="duress-pin2">Type it again</label>
          <input id="duress-pin2" name="pin2" type="password" inputmode="numeric" autocomplete="off" maxlength={12} />
          <p id="duress-status" role="status" aria-live="polite"></p>
          <div class="form-actions">
            <button type="submit" class="secondary">
              Save duress PIN
            </button>
          </div>
        </form>
      </section>

      <section class="card" aria-labelledby="push-h">
        <h2 id="push-h">Alerts on this device</h2>
        <p>Turn alerts on so that this phone tells you when a check-in is due or a colleague needs help.</p>
        <button type="button" id="enable-push" class="secondary">
          Enable alerts
        </button>
        <p id="push-status" role="status" aria-live="polite"></p>
      </section>
    </Layout>
  );
}
