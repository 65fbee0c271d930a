// What the API answers about visits: managers see everyone's, staff their own.
import type { Deps, CurrentUser } from "../../deps.js";
import { NotFound } from "../../errors.js";
import { alertViews, type AlertView } from "../alerts/queries.js";
import { isManager, workerMaySee } from "../alerts/rules.js";
import { alertsStore } from "../alerts/store.js";
import type { VisitStatus } from "./schema.js";
import { visitsStore } from "./store.js";
import { visitView } from "./views.js";

export async function listVisits(deps: Deps, user: CurrentUser, status?: VisitStatus) {
  const rows = await visitsStore(deps.db).list({ status, staffId: isManager(user) ? undefined : user.id });
  return rows.map((r) => visitView(r.v, r.name));
}

export async function getVisit(deps: Deps, user: CurrentUser, id: string) {
  const store = visitsStore(deps.db);
  const row = await store.withName(id);
  const own = row?.v.staffId === user.id;
  if (!row || (!own && !isManager(user))) throw new NotFound("visit");
  const ins = await store.checkInsOf(id);
  // The worker never sees a duress alarm raised about them (someone may be watching the phone).
  const alertRows = (await alertsStore(deps.db).ofVisit(id)).filter((a) => !own || workerMaySee(a.reason));
  // Managers get each alarm's card; the worker's own view stays the plain alert.
  const list: AlertView[] = own ? await alertViews(deps, alertRows) : await alertViews(deps, alertRows, { card: true });
  return {
    ...visitView(row.v, row.name),
    checkIns: ins.map((c) => ({ id: c.id, at: c.at.toISOString(), kind: c.kind, lat: c.lat ?? undefined, lng: c.lng ?? undefined, note: c.note ?? undefined })),
    alerts: own ? list.map((a) => ({ ...a, notifications: a.notifications.filter((n) => n.staffId === user.id) })) : list,
  };
}
