CREATE TABLE `access_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`connection_id` integer NOT NULL,
	`encrypted_key` text NOT NULL,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`last_used_at` text,
	`dropped_at` text,
	`dropped_reason` text,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `access_keys_one_live` ON `access_keys` (`connection_id`) WHERE "access_keys"."dropped_at" is null;--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`connection_id` integer NOT NULL,
	`kind` text NOT NULL,
	`account_id` text NOT NULL,
	`account_type` text,
	`bank_id` text,
	`broker_id` text,
	`description` text,
	`service_status` text,
	`currency` text,
	`ledger_balance` text,
	`ledger_balance_as_of` text,
	`available_balance` text,
	`available_balance_as_of` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "accounts_kind" CHECK("accounts"."kind" in ('bank', 'creditcard', 'investment')),
	CONSTRAINT "accounts_ledger_balance_decimal" CHECK("accounts"."ledger_balance" <> '' and "accounts"."ledger_balance" not glob '*[^0-9.-]*'),
	CONSTRAINT "accounts_available_balance_decimal" CHECK("accounts"."available_balance" <> '' and "accounts"."available_balance" not glob '*[^0-9.-]*')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_connection_kind_account` ON `accounts` (`connection_id`,`kind`,`account_id`);--> statement-breakpoint
CREATE TABLE `challenges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sync_run_id` integer NOT NULL,
	`questions` text NOT NULL,
	`outcome` text,
	`asked_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`resolved_at` text,
	FOREIGN KEY (`sync_run_id`) REFERENCES `sync_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "challenges_outcome" CHECK("challenges"."outcome" in ('answered', 'cancelled', 'timeout', 'unavailable', 'rejected', 'accepted'))
);
--> statement-breakpoint
CREATE INDEX `challenges_sync_run` ON `challenges` (`sync_run_id`);--> statement-breakpoint
CREATE TABLE `connections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` integer NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`org` text,
	`fid` text,
	`version` text NOT NULL,
	`app_id` text DEFAULT 'QWIN' NOT NULL,
	`app_ver` text DEFAULT '2700' NOT NULL,
	`client_uid` text NOT NULL,
	`user_id` text NOT NULL,
	`encrypted_password` text NOT NULL,
	`encrypted_user_cred1` text,
	`encrypted_user_cred2` text,
	`encrypted_auth_token` text,
	`answer_aggregate` text DEFAULT 'MFACHALLENGEA' NOT NULL,
	`mfa_challenge_supported` integer,
	`mfa_challenge_first` integer,
	`client_uid_required` integer,
	`user_cred1_label` text,
	`user_cred2_label` text,
	`auth_token_first` integer,
	`auth_token_label` text,
	`profile_fetched_at` text,
	`last_synced_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "connections_answer_aggregate" CHECK("connections"."answer_aggregate" in ('MFACHALLENGEA', 'MFACHALLENGEANSWER'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connections_client_uid_unique` ON `connections` (`client_uid`);--> statement-breakpoint
CREATE UNIQUE INDEX `connections_member_name` ON `connections` (`member_id`,`name`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`discord_user_id` text,
	`local_name` text,
	`display_name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	CONSTRAINT "members_one_identity" CHECK(("members"."discord_user_id" is null) <> ("members"."local_name" is null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_discord_user_id_unique` ON `members` (`discord_user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `members_local_name_unique` ON `members` (`local_name`);--> statement-breakpoint
CREATE TABLE `sync_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`connection_id` integer NOT NULL,
	`triggered_by` text NOT NULL,
	`state` text DEFAULT 'running' NOT NULL,
	`status_code` integer,
	`message` text,
	`challenged` integer DEFAULT false NOT NULL,
	`new_transactions` integer DEFAULT 0 NOT NULL,
	`account_count` integer DEFAULT 0 NOT NULL,
	`started_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`finished_at` text,
	`heartbeat_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`owner_pid` integer,
	`owner_host` text,
	`owner_instance` text,
	FOREIGN KEY (`connection_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "sync_runs_state" CHECK("sync_runs"."state" in ('running', 'ok', 'challenge-cancelled', 'challenge-expired', 'answers-needed', 'answers-rejected', 'signon-refused', 'error', 'crashed', 'already-running'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_runs_one_running` ON `sync_runs` (`connection_id`) WHERE "sync_runs"."state" = 'running';--> statement-breakpoint
CREATE INDEX `sync_runs_connection_started` ON `sync_runs` (`connection_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `transactions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`fitid` text NOT NULL,
	`posted` text NOT NULL,
	`amount` text NOT NULL,
	`type` text NOT NULL,
	`name` text,
	`memo` text,
	`check_number` text,
	`first_seen_run_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`first_seen_run_id`) REFERENCES `sync_runs`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "transactions_amount_decimal" CHECK("transactions"."amount" <> '' and "transactions"."amount" not glob '*[^0-9.-]*')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transactions_account_fitid` ON `transactions` (`account_id`,`fitid`);--> statement-breakpoint
CREATE INDEX `transactions_account_posted` ON `transactions` (`account_id`,`posted`);