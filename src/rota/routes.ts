import { router } from "../http/route.js";

export const rotaRoutes = router();
