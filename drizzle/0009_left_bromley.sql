CREATE TABLE `sign_in_addresses` (
	`email` text NOT NULL,
	`address` text NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`email`, `address`)
);
--> statement-breakpoint
CREATE INDEX `sign_in_addresses_last_idx` ON `sign_in_addresses` (`last_at`);