CREATE TABLE `calendar_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`staff_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_tokens_staff_unique` ON `calendar_tokens` (`staff_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_tokens_hash_unique` ON `calendar_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `rota_assignments` (
	`id` text PRIMARY KEY NOT NULL,
	`rota_id` text NOT NULL,
	`staff_id` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`cancelled_at` integer,
	`cancelled_by` text,
	`cancel_reason` text,
	FOREIGN KEY (`rota_id`) REFERENCES `rotas`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rota_assignments_staff_start_idx` ON `rota_assignments` (`staff_id`,`start_at`);--> statement-breakpoint
CREATE INDEX `rota_assignments_start_end_idx` ON `rota_assignments` (`start_at`,`end_at`);--> statement-breakpoint
CREATE INDEX `rota_assignments_rota_start_idx` ON `rota_assignments` (`rota_id`,`start_at`);--> statement-breakpoint
CREATE TABLE `rota_patterns` (
	`id` text PRIMARY KEY NOT NULL,
	`rota_id` text NOT NULL,
	`rrule` text NOT NULL,
	`start_time` text NOT NULL,
	`duration_minutes` integer NOT NULL,
	`label` text,
	`starts_on` text NOT NULL,
	`ends_on` text,
	`skip_bank_holidays` integer DEFAULT false NOT NULL,
	`add_bank_holidays` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`rota_id`) REFERENCES `rotas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rota_patterns_rota_idx` ON `rota_patterns` (`rota_id`);--> statement-breakpoint
CREATE TABLE `rota_swaps` (
	`id` text PRIMARY KEY NOT NULL,
	`assignment_id` text NOT NULL,
	`from_staff_id` text NOT NULL,
	`to_staff_id` text NOT NULL,
	`status` text NOT NULL,
	`offered_at` integer NOT NULL,
	`offered_by` text NOT NULL,
	`accepted_at` integer,
	`approved_at` integer,
	`approved_by` text,
	`new_assignment_id` text,
	FOREIGN KEY (`assignment_id`) REFERENCES `rota_assignments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rota_swaps_assignment_idx` ON `rota_swaps` (`assignment_id`);--> statement-breakpoint
CREATE TABLE `rotas` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`required_staff` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `check_ins` (
	`id` text PRIMARY KEY NOT NULL,
	`visit_id` text NOT NULL,
	`staff_id` text NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`lat` real,
	`lng` real,
	`note` text,
	FOREIGN KEY (`visit_id`) REFERENCES `visits`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `check_ins_visit_idx` ON `check_ins` (`visit_id`,`at`);--> statement-breakpoint
CREATE TABLE `duress_pins` (
	`staff_id` text PRIMARY KEY NOT NULL,
	`pin_hash` text NOT NULL,
	`set_at` integer NOT NULL,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`staff_id` text NOT NULL,
	`key` text NOT NULL,
	`request` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`staff_id`, `key`),
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `visits` (
	`id` text PRIMARY KEY NOT NULL,
	`staff_id` text NOT NULL,
	`purpose` text NOT NULL,
	`address` text NOT NULL,
	`lat` real,
	`lng` real,
	`risk_notes` text,
	`patient_ref` text,
	`check_in_every_minutes` integer,
	`expected_end` integer NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`next_check_in_due` integer NOT NULL,
	`overdue_alert_id` text,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `visits_due_idx` ON `visits` (`status`,`next_check_in_due`);--> statement-breakpoint
CREATE INDEX `visits_staff_idx` ON `visits` (`staff_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `alert_steps` (
	`id` text PRIMARY KEY NOT NULL,
	`alert_id` text NOT NULL,
	`step` integer NOT NULL,
	`repeat` integer NOT NULL,
	`due_at` integer NOT NULL,
	`fired_at` integer NOT NULL,
	`early` integer DEFAULT false NOT NULL,
	`targets` text NOT NULL,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_steps_once` ON `alert_steps` (`alert_id`,`step`,`repeat`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`trigger_key` text NOT NULL,
	`visit_id` text,
	`staff_id` text,
	`parent_alert_id` text,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`policy` text NOT NULL,
	`start_step` integer NOT NULL,
	`base_at` integer NOT NULL,
	`raised_at` integer NOT NULL,
	`step` integer DEFAULT -1 NOT NULL,
	`next_action_at` integer,
	`managers_told_at` integer,
	`worker_checked_in_at` integer,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`reminders_sent` integer DEFAULT 0 NOT NULL,
	`resolved_at` integer,
	`resolved_by` text,
	`outcome` text,
	`note` text,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_trigger_unique` ON `alerts` (`trigger_key`);--> statement-breakpoint
CREATE INDEX `alerts_due_idx` ON `alerts` (`status`,`next_action_at`);--> statement-breakpoint
CREATE INDEX `alerts_visit_idx` ON `alerts` (`visit_id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`alert_id` text NOT NULL,
	`purpose` text NOT NULL,
	`step` integer NOT NULL,
	`repeat` integer NOT NULL,
	`staff_id` text NOT NULL,
	`channel` text DEFAULT 'push' NOT NULL,
	`status` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	`claimed_at` integer,
	`sent_at` integer,
	`shown_at` integer,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_once` ON `notifications` (`alert_id`,`purpose`,`step`,`repeat`,`staff_id`);--> statement-breakpoint
CREATE INDEX `notifications_status_idx` ON `notifications` (`status`,`created_at`);