ALTER TABLE "connection_credentials" ADD COLUMN "pending_ciphertext" text;--> statement-breakpoint
ALTER TABLE "connection_credentials" ADD COLUMN "pending_key_id" text;--> statement-breakpoint
ALTER TABLE "connection_credentials" ADD COLUMN "pending_expires_at" timestamp with time zone;