DROP INDEX `supervisions_recorded_idx`;--> statement-breakpoint
CREATE INDEX `supervisions_voided_idx` ON `supervisions` (`voided_at`) WHERE voided_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `supervisions_recorded_idx` ON `supervisions` (`recorded_at`,`recorded_by`,`late`);--> statement-breakpoint
CREATE INDEX `amhp_approvals_recorded_idx` ON `amhp_approvals` (`recorded_at`,`recorded_by`,`late`);--> statement-breakpoint
CREATE INDEX `amhp_approvals_voided_idx` ON `amhp_approvals` (`voided_at`) WHERE voided_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `leave_recorded_idx` ON `leave_records` (`recorded_at`,`recorded_by`,`late`);--> statement-breakpoint
CREATE INDEX `leave_voided_idx` ON `leave_records` (`voided_at`) WHERE voided_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `oh_referred_idx` ON `oh_referrals` (`referred_on`);--> statement-breakpoint
CREATE INDEX `oh_recorded_idx` ON `oh_referrals` (`recorded_at`,`recorded_by`,`late`);--> statement-breakpoint
CREATE INDEX `oh_voided_idx` ON `oh_referrals` (`voided_at`) WHERE voided_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `rtw_held_idx` ON `return_to_work` (`held_on`);--> statement-breakpoint
CREATE INDEX `rtw_recorded_idx` ON `return_to_work` (`recorded_at`,`recorded_by`,`late`);--> statement-breakpoint
CREATE INDEX `rtw_voided_idx` ON `return_to_work` (`voided_at`) WHERE voided_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `sickness_last_day_idx` ON `sickness_episodes` (`last_day`);--> statement-breakpoint
CREATE INDEX `sickness_recorded_idx` ON `sickness_episodes` (`recorded_at`,`recorded_by`,`late`);--> statement-breakpoint
CREATE INDEX `sickness_voided_idx` ON `sickness_episodes` (`voided_at`) WHERE voided_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `training_date_idx` ON `training_records` (`date`);--> statement-breakpoint
CREATE INDEX `training_recorded_idx` ON `training_records` (`recorded_at`,`recorded_by`,`late`);--> statement-breakpoint
CREATE INDEX `training_voided_idx` ON `training_records` (`voided_at`) WHERE voided_at IS NOT NULL;