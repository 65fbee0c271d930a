import { router } from "../http/route.js";

export const reportsRoutes = router();
