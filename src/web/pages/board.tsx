import type { CurrentUser } from "../../deps.js";
import { Layout } from "../layout.js";

/** The duty manager's live board: filled and kept live by board.js over server-sent events. */
export function BoardPage({ user, tz, focusAlertId }: { user: CurrentUser; tz: string; focusAlertId?: string }) {
  return (
    <Layout title={focusAlertId ? "Alert" : "Live board"} user={user} current="/board" tz={tz} scripts={["board.js"]}>
      <h1 id="board-top" data-focus-alert={focusAlertId ?? ""}>
        {focusAlertId ? "Alert: live board" : "Live board"}
      </h1>
      <p id="live-status" class="hint" role="status">
        Connecting…
      </p>
      <p id="board-msg" class="notice" role="status" aria-live="polite"></p>
      <div class="grid2">
        <section aria-labelledby="alerts-h">
          <h2 id="alerts-h">Alerts</h2>
          <div id="alerts" aria-live="polite">
            <p>Loading…</p>
          </div>
        </section>
        <section aria-labelledby="visits-h">
          <h2 id="visits-h">Active visits</h2>
          <div id="visits">
            <p>Loading…</p>
          </div>
        </section>
      </div>
      <div class="grid2">
        <section class="card" aria-labelledby="duty-h">
          <h2 id="duty-h">On duty now</h2>
          <div id="on-duty">
            <p>Loading…</p>
          </div>
        </section>
        <section class="card" aria-labelledby="ready-h">
          <h2 id="ready-h">Readiness (next 52 weeks)</h2>
          <div id="readiness">
            <p>Loading…</p>
          </div>
          <p class="hint">
            To check that alerts reach someone, <a href="/drills">start a drill</a>: a test alert through the real ladder, marked DRILL.
          </p>
        </section>
      </div>
      <section class="card" aria-labelledby="push-h">
        <h2 id="push-h">Alerts on this device</h2>
        <button type="button" id="enable-push" class="secondary">
          Enable alerts
        </button>
        <p id="push-status" role="status" aria-live="polite"></p>
      </section>
    </Layout>
  );
}
