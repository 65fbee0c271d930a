CREATE TABLE `notify_bad_addresses` (
	`address` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`marked_at` integer NOT NULL,
	`message_id` text
);
--> statement-breakpoint
CREATE TABLE `notify_inbound` (
	`id` text PRIMARY KEY NOT NULL,
	`notify_id` text NOT NULL,
	`source_number` text NOT NULL,
	`message` text NOT NULL,
	`received_at` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	`outcome` text,
	`alert_id` text,
	`staff_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notify_inbound_notify_id_unique` ON `notify_inbound` (`notify_id`);--> statement-breakpoint
CREATE TABLE `notify_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`notification_id` text,
	`alert_id` text,
	`purpose` text NOT NULL,
	`kind` text NOT NULL,
	`staff_id` text NOT NULL,
	`address` text NOT NULL,
	`ack_code` text,
	`seq` integer NOT NULL,
	`notify_id` text,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`status_at` integer,
	FOREIGN KEY (`staff_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notify_messages_code_idx` ON `notify_messages` (`address`,`ack_code`);--> statement-breakpoint
CREATE INDEX `notify_messages_notification_idx` ON `notify_messages` (`notification_id`);--> statement-breakpoint
CREATE INDEX `notify_messages_notify_id_idx` ON `notify_messages` (`notify_id`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `drill` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `send_after` integer;--> statement-breakpoint
ALTER TABLE `notifications` ADD `unless_shown` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `receipt` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `receipt_at` integer;