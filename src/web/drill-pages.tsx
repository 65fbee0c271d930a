// /drills (managers): start a drill for one of your people (Person · "Start drill") and read
// the recent drills: who, started by whom, when, what came of it, how fast it was acknowledged
// and who was reached by which channel. A drill is a real alert through the real ladder,
// marked DRILL everywhere: the person's phone is told to check in, then the managers on the
// ladder see it on the live board, by push and by text, as they would a real one.
import type { Context } from "hono";
import type { AppEnv, CurrentUser } from "../deps.js";
import { dataOr, fieldErrors, load, send } from "./api.js";
import { definePage, formOf, page, seeOther } from "./define-page.js";
import { ErrorSummary, Notice, Select, errorsFor, type FormErrors, type FormValues } from "./forms.js";
import { Layout } from "./layout.js";
import { fmtInstant } from "./format.js";
import { DrillList, DrillStarted } from "../lone-working/alerts/drill-routes.js";
import { mayDrill } from "../lone-working/alerts/drills.js";
import { StaffList } from "../staff/routes.js";
import type { z } from "@hono/zod-openapi";

type Drill = z.output<typeof DrillList>["drills"][number];

const STATUS_WORDS: Record<string, string> = { open: "Open: not yet acknowledged", acknowledged: "Acknowledged, not yet resolved", resolved: "Resolved" };
const CHANNEL_WORDS: Record<string, string> = { push: "push", sms: "text", email: "email" };

/** What reaching one person on one channel came to, in words (as the board says it). */
function reachWords(r: Drill["reach"][number]): string {
  const ch = CHANNEL_WORDS[r.channel] ?? r.channel;
  switch (r.status) {
    case "shown":
      return `${ch} shown on their phone`;
    case "delivered":
      return `${ch} delivered`;
    case "sent":
      return `${ch} sent, not yet shown`;
    case "queued":
    case "sending":
      return `${ch} being sent`;
    case "failed":
      return `${ch} failed`;
    case "no_subscription":
      return r.channel === "push" ? "no device set up for alerts" : `no ${ch} contact recorded`;
    case "cancelled":
      return `${ch} not sent (acknowledged first)`;
    default:
      return `${ch} ${r.status.replace(/_/g, " ")}`;
  }
}

function DrillsPage(props: { user: CurrentUser; tz: string; people: [string, string][] | null; drills: Drill[] | null; values: FormValues; errors: FormErrors; notice?: string; started?: string }) {
  const { tz } = props;
  return (
    <Layout title="Drills" user={props.user} current="/drills" tz={tz}>
      <h1>Drills</h1>
      <Notice text={props.notice} />
      {props.started ? (
        <p>
          <a href={`/alerts/${encodeURIComponent(props.started)}`}>Open the drill's alarm card on the live board</a>
        </p>
      ) : null}
      <section class="card" aria-labelledby="start-h">
        <h2 id="start-h">Start a drill</h2>
        <p>
          A drill tests that lone-working alerts reach people, through the real escalation ladder. The person's phone is told to check in at once. If nobody acknowledges, the ladder climbs as
          for a real missed check-in: the duty manager, then every manager, by push and by text. Every message and the alarm card on the live board say <strong>DRILL</strong>, so nobody
          mistakes it for a real alarm. Acknowledge and resolve it on the board as you would a real one; the time it took is shown below.
        </p>
        <ErrorSummary errors={props.errors} title="The drill was not started" />
        {props.people === null ? (
          <p class="error">The list of people could not be loaded.</p>
        ) : props.people.length === 0 ? (
          <p>There is nobody you may drill: a manager drills the people in their own team, a senior manager anyone.</p>
        ) : (
          <form method="post" action="/drills" novalidate>
            <Select name="staffId" label="Person" blank="Choose a person…" options={props.people} values={props.values} errors={props.errors} hint="The people in your team (a senior manager: everyone)." />
            <div class="form-actions">
              <button type="submit">Start drill</button>
            </div>
          </form>
        )}
      </section>

      <section aria-labelledby="recent-h">
        <h2 id="recent-h">Recent drills</h2>
        {props.drills === null ? (
          <p class="error">The drills could not be loaded.</p>
        ) : props.drills.length === 0 ? (
          <p>No drills yet.</p>
        ) : (
          <table class="drills-table">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Started by</th>
                <th scope="col">When</th>
                <th scope="col">Status</th>
                <th scope="col">Seconds to acknowledge</th>
                <th scope="col">Who was reached</th>
              </tr>
            </thead>
            <tbody>
              {props.drills.map((d) => (
                <tr data-drill-id={d.alertId}>
                  <th scope="row">
                    <a href={`/alerts/${encodeURIComponent(d.alertId)}`}>{d.name}</a>
                  </th>
                  <td>{d.startedBy?.name ?? "Not known"}</td>
                  <td>{fmtInstant(d.startedAt, tz)}</td>
                  <td>
                    {STATUS_WORDS[d.status] ?? d.status}
                    {d.acknowledgedBy ? ` (by ${d.acknowledgedBy.name})` : ""}
                    {d.outcome ? `: ${d.outcome.replace(/_/g, " ")}` : ""}
                  </td>
                  <td>{d.secondsToAcknowledge === null ? "Not acknowledged" : String(d.secondsToAcknowledge)}</td>
                  <td>
                    {d.reach.length === 0 ? (
                      "Nobody told yet"
                    ) : (
                      <ul class="plain">
                        {d.reach.map((r) => (
                          <li>
                            {r.name}
                            {r.isWorker ? " (the person drilled)" : ""} — {reachWords(r)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}

const tzOf = (c: Context<AppEnv>) => c.get("deps").config.TZ_LOCAL;

async function render(c: Context<AppEnv>, user: CurrentUser, opts: { values?: FormValues; errors?: FormErrors; notice?: string; started?: string; status?: number } = {}) {
  const [staff, drills] = await Promise.all([load(c, "/api/staff", StaffList), load(c, "/api/drills", DrillList)]);
  const people = dataOr(staff)?.staff.filter((p) => p.active && mayDrill(user, p)).map((p) => [p.id, p.name] as [string, string]) ?? null;
  return page(c, DrillsPage({ user, tz: tzOf(c), people, drills: dataOr(drills)?.drills ?? null, values: opts.values ?? {}, errors: opts.errors ?? {}, notice: opts.notice, started: opts.started }), opts.status ?? 200);
}

definePage("/drills", {
  get: (c, user) => {
    const started = c.req.query("started");
    return render(c, user, started ? { notice: "Drill started. Their phone is told to check in now; if nobody acknowledges, the managers on the ladder are alerted, marked DRILL.", started } : {});
  },
  post: async (c, user) => {
    const form = await formOf(c);
    const staffId = typeof form.staffId === "string" ? form.staffId : "";
    if (!staffId) return render(c, user, { errors: { staffId: "Choose the person to drill." }, status: 400 });
    const made = await send(c, "POST", "/api/drills", { staffId }, DrillStarted);
    if (made.ok) return seeOther(c, `/drills?started=${encodeURIComponent(made.data.alertId)}`);
    const errors = made.status === 404 ? { staffId: "That person is not someone you may drill (or is no longer active)." } : errorsFor(fieldErrors(made.problem), ["staffId"], made.problem?.detail ?? "The drill was not started.");
    return render(c, user, { values: { staffId }, errors, status: made.status });
  },
});
