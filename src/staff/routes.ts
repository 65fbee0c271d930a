import { z } from "@hono/zod-openapi";
import { visibleText } from "../http/text.js";
import { defineRoute, jsonBody, jsonResponse, router, problemResponse, IdParam, Day } from "../http/route.js";
import { actorOf } from "../http/actor.js";
import { CATEGORIES, ROLES } from "./schema.js";
import { createStaff, getStaff, listStaff, setOwnMobile, setPassword, unlockSignIn, updateStaff } from "./service.js";
import { UkMobile } from "./mobile.js";
import { NotFound } from "../errors.js";
import { ADMINS, HR_WRITERS, RECORD_KEEPERS, hasAny } from "./roles.js";

export const StaffSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    roles: z.array(z.enum(ROLES)),
    team: z.string().nullable(),
    teamId: z.string().nullable(),
    category: z.enum(CATEGORIES),
    startDate: z.string().nullable(),
    fte: z.number(),
    /** E.164, e.g. +447700900123; null when none is recorded. */
    mobile: z.string().nullable(),
    active: z.boolean(),
    canSignIn: z.boolean(),
  })
  .openapi("Staff");
export const StaffList = z.object({ staff: z.array(StaffSchema) });

export const Password = z.string().min(12, "must be at least 12 characters").max(1024);

export const NewStaffBody = z.object({
  name: visibleText(200),
  email: z.email().max(320),
  roles: z.array(z.enum(ROLES)).min(1),
  team: visibleText(200).optional(),
  category: z.enum(CATEGORIES).optional(),
  startDate: Day.optional(),
  fte: z.number().gt(0).max(1).optional(),
  mobile: UkMobile.optional(),
  password: Password.optional(),
});

export const StaffChangesBody = z
  .object({
    name: visibleText(200),
    email: z.email().max(320),
    roles: z.array(z.enum(ROLES)).min(1),
    team: visibleText(200).nullable(),
    category: z.enum(CATEGORIES),
    startDate: Day.nullable(),
    fte: z.number().gt(0).max(1),
    /** null clears it. */
    mobile: UkMobile.nullable(),
    active: z.boolean(),
  })
  .partial();

export const MyChangesBody = z.object({ mobile: UkMobile.nullable() });


export const staffRoutes = router()
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/staff",
      tags: ["Staff"],
      summary: "Add a member of staff",
      access: HR_WRITERS,
      request: jsonBody(NewStaffBody),
      responses: {
        201: jsonResponse(StaffSchema, "Created"),
        403: problemResponse("Role forbids, or only an admin may grant the admin role or set a password"),
        409: problemResponse("Email already used"),
      },
    }),
    async (c) => c.json(await createStaff(c.get("deps"), actorOf(c), c.req.valid("json")), 201),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/staff",
      tags: ["Staff"],
      summary: "The staff directory",
      access: RECORD_KEEPERS,
      responses: { 200: jsonResponse(StaffList, "Everyone") },
    }),
    async (c) => c.json({ staff: await listStaff(c.get("deps")) }, 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/api/staff/{id}",
      tags: ["Staff"],
      summary: "One member of staff (anyone may read their own)",
      access: "signed_in",
      request: { params: IdParam },
      responses: { 200: jsonResponse(StaffSchema, "The person"), 404: problemResponse("Unknown, or not yours to see") },
    }),
    async (c) => {
      const user = c.get("user")!;
      const { id } = c.req.valid("param");
      if (id !== user.id && !hasAny(user, RECORD_KEEPERS)) throw new NotFound("staff member");
      return c.json(await getStaff(c.get("deps"), id), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "patch",
      path: "/api/staff/{id}",
      tags: ["Staff"],
      summary: "Change name, email, mobile, roles, team, category, FTE or deactivate",
      access: HR_WRITERS,
      request: { params: IdParam, ...jsonBody(StaffChangesBody) },
      responses: {
        200: jsonResponse(StaffSchema, "Updated"),
        403: problemResponse("Role forbids, or only an admin may grant or remove the admin role"),
        404: problemResponse("Unknown staff"),
        409: problemResponse("Email already used"),
        422: problemResponse("Would leave no active admin"),
      },
    }),
    async (c) => c.json(await updateStaff(c.get("deps"), actorOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(
    defineRoute({
      method: "put",
      path: "/api/staff/{id}/password",
      tags: ["Staff"],
      summary: "Set a person's password (ends their sessions)",
      access: ADMINS,
      request: { params: IdParam, ...jsonBody(z.object({ password: Password })) },
      responses: { 204: { description: "Set (the person's sign-in throttle is cleared too)" }, 404: problemResponse("Unknown staff") },
    }),
    async (c) => {
      await setPassword(c.get("deps"), actorOf(c), c.req.valid("param").id, c.req.valid("json").password);
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api/staff/{id}/unlock",
      tags: ["Staff"],
      summary: "Clear a person's failed sign-ins at every address, so they may try again at once",
      access: ADMINS,
      request: { params: IdParam },
      responses: { 204: { description: "Unlocked" }, 404: problemResponse("Unknown staff") },
    }),
    async (c) => {
      await unlockSignIn(c.get("deps"), actorOf(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: "patch",
      path: "/api/me",
      tags: ["Staff"],
      summary: "Change your own mobile number (null clears it)",
      access: "signed_in",
      request: jsonBody(MyChangesBody),
      responses: { 200: jsonResponse(StaffSchema, "You, as the staff directory shows you") },
    }),
    async (c) => c.json(await setOwnMobile(c.get("deps"), actorOf(c), c.get("user")!.id, c.req.valid("json").mobile), 200),
  );
