// Swaps waiting (managers): swaps the receiver has accepted, each with "Approve"; and, for
// information, offers the receiver has not answered yet.
import type { CurrentUser } from "../../deps.js";
import { Layout } from "../layout.js";
import { ErrorSummary, Notice, type FormErrors } from "../forms.js";
import { fmtSpan, fmtDay } from "../format.js";
import { localDay } from "../../calendar/days.js";

export interface SwapLine {
  id: string;
  from: string;
  to: string;
  rota: string;
  start: string;
  end: string;
}

export function SwapsPage(props: {
  user: CurrentUser;
  tz: string;
  accepted: SwapLine[] | null;
  offered: SwapLine[] | null;
  notice?: string;
  errors?: FormErrors;
  failedId?: string;
}) {
  const { tz } = props;
  const when = (s: SwapLine) => (
    <>
      <strong>{fmtDay(localDay(new Date(s.start), tz))}</strong> {fmtSpan(s.start, s.end, tz)}
      {s.rota ? <span class="hint"> · {s.rota}</span> : null}
    </>
  );
  return (
    <Layout title="Swaps" user={props.user} current="/swaps" tz={tz}>
      <h1>Swaps waiting</h1>
      <Notice text={props.notice} />
      <ErrorSummary errors={props.errors ?? {}} title="The swap was not approved" />
      <section class="card" aria-labelledby="accepted-h">
        <h2 id="accepted-h">Accepted, waiting for your approval</h2>
        {props.accepted === null ? (
          <p>Not available right now.</p>
        ) : props.accepted.length === 0 ? (
          <p class="hint">No swaps waiting.</p>
        ) : (
          <ul class="plain">
            {props.accepted.map((s) => (
              <li class="swap-line" id={`swap-${s.id}`}>
                <p>
                  {when(s)}
                  <br />
                  From <strong>{s.from}</strong> to <strong>{s.to}</strong>
                </p>
                {props.failedId === s.id && props.errors?.[""] ? (
                  <p class="error" id={`swap-${s.id}-error`}>
                    {props.errors[""]}
                  </p>
                ) : null}
                <form method="post" action="/swaps">
                  <input type="hidden" name="_action" value="approve" />
                  <input type="hidden" name="id" value={s.id} />
                  <button type="submit" aria-label={`Approve: ${s.from} to ${s.to}`}>
                    Approve
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="offered-h">
        <h2 id="offered-h">Offered, not yet accepted</h2>
        {props.offered === null ? (
          <p>Not available right now.</p>
        ) : props.offered.length === 0 ? (
          <p class="hint">None.</p>
        ) : (
          <ul class="plain">
            {props.offered.map((s) => (
              <li>
                {when(s)}
                <br />
                {s.from} offered it to {s.to}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}
