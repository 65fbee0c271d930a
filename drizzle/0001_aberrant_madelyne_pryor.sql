CREATE TABLE `oh_referrals` (
	`id` text PRIMARY KEY NOT NULL,
	`staff_id` text NOT NULL,
	`sickness_id` text,
	`referred_on` text NOT NULL,
	`reason` text NOT NULL,
	`appointment_on` text,
	`report_received_on` text,
	`outcome` text,
	`recorded_at` integer NOT NULL,
	`recorded_by` text NOT NULL,
	`late` integer DEFAULT false NOT NULL,
	`late_entry_reason` text,
	`version` integer DEFAULT 1 NOT NULL,
	`voided_at` integer,
	`voided_by` text,
	`void_reason` text,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sickness_id`) REFERENCES `sickness_episodes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `oh_staff_idx` ON `oh_referrals` (`staff_id`,`referred_on`);--> statement-breakpoint
CREATE INDEX `oh_sickness_idx` ON `oh_referrals` (`sickness_id`);--> statement-breakpoint
CREATE TABLE `record_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`record_id` text NOT NULL,
	`version` integer NOT NULL,
	`data` text NOT NULL,
	`changed_at` integer NOT NULL,
	`changed_by` text NOT NULL,
	`correction` integer NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `record_versions_unique` ON `record_versions` (`kind`,`record_id`,`version`);--> statement-breakpoint
CREATE INDEX `record_versions_changed_idx` ON `record_versions` (`changed_at`);--> statement-breakpoint
CREATE TABLE `return_to_work` (
	`id` text PRIMARY KEY NOT NULL,
	`sickness_id` text NOT NULL,
	`staff_id` text NOT NULL,
	`held_on` text NOT NULL,
	`notes` text,
	`recorded_at` integer NOT NULL,
	`recorded_by` text NOT NULL,
	`late` integer DEFAULT false NOT NULL,
	`late_entry_reason` text,
	`version` integer DEFAULT 1 NOT NULL,
	`voided_at` integer,
	`voided_by` text,
	`void_reason` text,
	FOREIGN KEY (`sickness_id`) REFERENCES `sickness_episodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `rtw_sickness_idx` ON `return_to_work` (`sickness_id`);--> statement-breakpoint
CREATE INDEX `rtw_staff_idx` ON `return_to_work` (`staff_id`);--> statement-breakpoint
CREATE TABLE `supervisions` (
	`id` text PRIMARY KEY NOT NULL,
	`staff_id` text NOT NULL,
	`supervisor_id` text NOT NULL,
	`held_on` text NOT NULL,
	`kind` text DEFAULT 'individual' NOT NULL,
	`duration_minutes` integer,
	`supervisee_confirmed_at` integer,
	`supervisor_confirmed_at` integer,
	`recorded_at` integer NOT NULL,
	`recorded_by` text NOT NULL,
	`late` integer DEFAULT false NOT NULL,
	`late_entry_reason` text,
	`version` integer DEFAULT 1 NOT NULL,
	`voided_at` integer,
	`voided_by` text,
	`void_reason` text,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`supervisor_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `supervisions_staff_idx` ON `supervisions` (`staff_id`,`held_on`);--> statement-breakpoint
CREATE INDEX `supervisions_supervisor_idx` ON `supervisions` (`supervisor_id`);--> statement-breakpoint
CREATE INDEX `supervisions_recorded_idx` ON `supervisions` (`recorded_at`);--> statement-breakpoint
CREATE INDEX `sickness_first_day_idx` ON `sickness_episodes` (`first_day`);