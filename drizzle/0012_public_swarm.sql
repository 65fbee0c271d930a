ALTER TABLE `supervisions` ADD `disputed_at` integer;--> statement-breakpoint
ALTER TABLE `supervisions` ADD `disputed_by` text;--> statement-breakpoint
ALTER TABLE `supervisions` ADD `dispute_reason` text;