import { router } from "../http/route.js";

export const alertsRoutes = router();
