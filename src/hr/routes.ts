import { router } from "../http/route.js";

export const hrRoutes = router();
