ALTER TABLE `api_tokens` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `read_only` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `via_token_id` text;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `via_made_by` text;--> statement-breakpoint
-- Tokens made before expiry existed: 90 days from when they were made (API.md).
UPDATE `api_tokens` SET `expires_at` = `created_at` + 7776000000 WHERE `expires_at` IS NULL;
