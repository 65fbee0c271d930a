import type { CurrentUser } from "../../deps.js";
import { Layout } from "../layout.js";

/** The active visit: all of it is driven by visit.js so it keeps working without signal. */
export function VisitPage({ user, tz, visitId }: { user: CurrentUser; tz: string; visitId: string }) {
  return (
    <Layout title="Visit" user={user} tz={tz} scripts={["outbox.js", "visit.js"]}>
      <div id="visit" data-visit-id={visitId}>
        <h1 id="visit-title">Visit</h1>
        <p id="visit-where" class="hint"></p>
        <p id="load-error" class="notice warn" role="status" hidden></p>
        <p id="alert-open" class="notice bad" role="alert" hidden>
          The duty manager has been alerted about this visit. If you are safe, press I'm OK, or phone them.
        </p>
        <p id="alert-dealt" class="notice good" role="status" aria-live="polite" hidden></p>

        <section id="live" aria-labelledby="due-h">
          <h2 id="due-h" class="visually-hidden">
            Check-in
          </h2>
          <p id="due" class="due" role="timer" aria-live="off">
            <span id="due-label">Next check-in due in</span>
            <strong id="due-left">–</strong>
            <span id="due-at"></span>
          </p>
          <button type="button" id="check-in" class="ok-button">
            I'm OK
          </button>
          <p id="result" class="notice good" role="status" aria-live="polite" hidden></p>
          <div id="outbox" class="outbox notice warn" role="status" aria-live="polite" hidden></div>

          <h2>Need longer?</h2>
          <div class="actions" id="extend">
            <button type="button" class="secondary" data-minutes="15">
              +15 min
            </button>
            <button type="button" class="secondary" data-minutes="30">
              +30 min
            </button>
            <button type="button" class="secondary" data-minutes="60">
              +1 h
            </button>
          </div>

          <h2>Leaving</h2>
          <form id="check-out" class="card">
            <label for="pin">PIN (optional)</label>
            <p class="hint" id="pin-hint">
              Leave empty unless you need it.
            </p>
            <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="off" maxlength={12} aria-describedby="pin-hint" />
            <div class="form-actions">
              <button type="submit" class="full">
                Check out: I have left safely
              </button>
            </div>
          </form>

          <section class="panic" aria-labelledby="panic-h">
            <h2 id="panic-h">Emergency</h2>
            <p id="panic-help">Press and hold for 2 seconds to alert the duty manager at once. If you can, also call 999.</p>
            <button type="button" id="panic" class="danger" aria-describedby="panic-help">
              Hold for panic alarm
            </button>
            <progress id="panic-progress" max="100" value="0" aria-label="Panic alarm hold progress"></progress>
            <p id="panic-status" role="alert"></p>
          </section>
        </section>

        <section id="done" class="card" hidden>
          <h2 id="done-title">Visit complete</h2>
          <p id="done-text">You are checked out.</p>
          <a class="button full" href="/">
            Back to my duty
          </a>
        </section>
      </div>
    </Layout>
  );
}
