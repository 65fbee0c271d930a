DROP INDEX `notifications_once`;--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_once` ON `notifications` (`alert_id`,`purpose`,`step`,`repeat`,`staff_id`,`channel`);