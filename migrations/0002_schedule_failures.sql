ALTER TABLE `schedules` ADD `failing_since` text;--> statement-breakpoint
ALTER TABLE `schedules` ADD `failure_kind` text;