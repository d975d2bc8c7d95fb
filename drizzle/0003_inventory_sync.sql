CREATE TABLE "listing_stock" (
	"listing_id" uuid NOT NULL,
	"channel_location_id" text NOT NULL,
	"channel_quantity" integer,
	"channel_quantity_source" text,
	"channel_quantity_at" timestamp with time zone,
	"last_pushed_quantity" integer,
	"last_pushed_at" timestamp with time zone,
	"last_push_inputs" jsonb,
	CONSTRAINT "listing_stock_listing_id_channel_location_id_pk" PRIMARY KEY("listing_id","channel_location_id")
);
--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "inventory_dirty_generation" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "inventory_pushed_generation" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "inventory_retry_after" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "listings" ADD COLUMN "inventory_skip_reason" text;--> statement-breakpoint
ALTER TABLE "listing_stock" ADD CONSTRAINT "listing_stock_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "listings_inventory_dirty_idx" ON "listings" USING btree ("connection_id","id") WHERE "listings"."inventory_dirty_generation" > "listings"."inventory_pushed_generation";