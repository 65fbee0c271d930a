// My team (managers): the to-do list a team manager opens on Monday, computed from the HR
// reports the API gives them (their own team; senior managers every team). Each line names
// the person and the missing thing, and links to their record, where it is recorded.
import type { CurrentUser } from "../../deps.js";
import { Layout } from "../layout.js";
import { fmtDate } from "../format.js";

export interface TeamLine {
  staffId: string;
  name: string;
  what: string;
  /** The words of the link to the record, naming the thing to record there. */
  action: string;
}

export interface TeamSection {
  id: string;
  title: string;
  empty: string;
  /** null: the API refused this report. */
  lines: TeamLine[] | null;
}

export function TeamPage({ user, asOf, sections }: { user: CurrentUser; asOf: string; sections: TeamSection[] }) {
  const total = sections.reduce((n, s) => n + (s.lines?.length ?? 0), 0);
  return (
    <Layout title="My team" user={user} current="/team">
      <h1>My team</h1>
      <p>
        As of {fmtDate(asOf)}. {total === 0 ? "Nothing needs doing." : `${total} ${total === 1 ? "thing needs" : "things need"} doing.`}
      </p>
      {sections.map((s) => (
        <section class="card team-todo" aria-labelledby={`${s.id}-h`}>
          <h2 id={`${s.id}-h`}>
            {s.title}
            {s.lines && s.lines.length ? <span class="count"> ({s.lines.length})</span> : null}
          </h2>
          {s.lines === null ? (
            <p>Not available right now.</p>
          ) : s.lines.length === 0 ? (
            <p class="hint">{s.empty}</p>
          ) : (
            <ul class="plain">
              {s.lines.map((l) => (
                <li class="team-line">
                  <span>
                    <strong>{l.name}</strong> <span class="team-what">{l.what}</span>
                  </span>
                  <a class="button secondary" href={`/staff/${encodeURIComponent(l.staffId)}`}>
                    {l.action}
                    <span class="visually-hidden"> for {l.name}</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </Layout>
  );
}
