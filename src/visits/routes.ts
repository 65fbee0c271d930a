import { router } from "../http/route.js";

export const visitsRoutes = router();
