ALTER TABLE "listings" DROP COLUMN "last_pushed_quantity";--> statement-breakpoint
ALTER TABLE "listings" DROP COLUMN "last_pushed_at";