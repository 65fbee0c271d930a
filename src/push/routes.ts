import { router } from "../http/route.js";

export const pushRoutes = router();
