CREATE TYPE "public"."channel" AS ENUM('shopify', 'amazon', 'shipstation', 'salesforce');--> statement-breakpoint
CREATE TYPE "public"."connection_status" AS ENUM('draft', 'validating', 'importing', 'completed', 'action_required', 'import_failed', 'disconnected');--> statement-breakpoint
CREATE TYPE "public"."entity_type" AS ENUM('connection', 'order', 'product', 'listing', 'shipment', 'inventory');--> statement-breakpoint
CREATE TYPE "public"."error_category" AS ENUM('transient', 'data', 'auth', 'permanent');--> statement-breakpoint
CREATE TYPE "public"."event_severity" AS ENUM('info', 'warning', 'error');--> statement-breakpoint
CREATE TYPE "public"."order_origin" AS ENUM('channel', 'wms_manual');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('pending_payment', 'on_hold', 'open', 'in_progress', 'partially_shipped', 'shipped', 'cancel_requested', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."shipment_status" AS ENUM('pending', 'sent', 'not_eligible', 'rejected', 'failed');--> statement-breakpoint
CREATE TYPE "public"."sync_stream" AS ENUM('orders', 'products', 'inventory', 'order_reconcile');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "connection_credentials" (
	"connection_id" uuid PRIMARY KEY NOT NULL,
	"ciphertext" text NOT NULL,
	"key_id" text NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rotated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" "channel" NOT NULL,
	"client_code" text NOT NULL,
	"warehouse_code" text NOT NULL,
	"store_identity" text,
	"store_name" text,
	"display_name" text,
	"status" "connection_status" DEFAULT 'draft' NOT NULL,
	"status_reason" text,
	"active" boolean DEFAULT true NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integration_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connection_id" uuid,
	"stream" "sync_stream",
	"entity_type" "entity_type" NOT NULL,
	"entity_id" text,
	"severity" "event_severity" NOT NULL,
	"category" "error_category",
	"code" text NOT NULL,
	"message" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"group_key" text,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	CONSTRAINT "integration_events_occurrences_positive" CHECK ("integration_events"."occurrences" > 0)
);
--> statement-breakpoint
CREATE TABLE "inventory_levels" (
	"product_id" uuid NOT NULL,
	"warehouse_code" text NOT NULL,
	"on_hand" integer NOT NULL,
	"allocated" integer DEFAULT 0 NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inventory_levels_product_id_warehouse_code_pk" PRIMARY KEY("product_id","warehouse_code"),
	CONSTRAINT "inventory_levels_on_hand_not_negative" CHECK ("inventory_levels"."on_hand" >= 0),
	CONSTRAINT "inventory_levels_allocated_not_negative" CHECK ("inventory_levels"."allocated" >= 0)
);
--> statement-breakpoint
CREATE TABLE "kit_components" (
	"kit_product_id" uuid NOT NULL,
	"component_product_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	CONSTRAINT "kit_components_kit_product_id_component_product_id_pk" PRIMARY KEY("kit_product_id","component_product_id"),
	CONSTRAINT "kit_components_quantity_positive" CHECK ("kit_components"."quantity" > 0),
	CONSTRAINT "kit_components_not_self" CHECK ("kit_components"."kit_product_id" <> "kit_components"."component_product_id")
);
--> statement-breakpoint
CREATE TABLE "listings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"channel_item_id" text NOT NULL,
	"channel_product_id" text,
	"channel_inventory_item_id" text,
	"channel_sku" text,
	"title" text,
	"product_id" uuid,
	"never_sync" boolean DEFAULT false NOT NULL,
	"inventory_tracked" boolean DEFAULT true NOT NULL,
	"last_pushed_quantity" integer,
	"last_pushed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"channel_line_id" text NOT NULL,
	"sku" text,
	"product_id" uuid,
	"title" text,
	"quantity" integer NOT NULL,
	"unit_price" numeric(14, 4),
	CONSTRAINT "order_lines_quantity_not_negative" CHECK ("order_lines"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"channel_order_id" text NOT NULL,
	"order_number" text NOT NULL,
	"origin" "order_origin" DEFAULT 'channel' NOT NULL,
	"status" "order_status" NOT NULL,
	"hold_reason" text,
	"financial_status" text,
	"fulfillment_status" text,
	"location_id" text,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"channel_updated_at" timestamp with time zone NOT NULL,
	"channel_created_at" timestamp with time zone,
	"customer_name" text,
	"customer_email" text,
	"customer_phone" text,
	"shipping_address" jsonb,
	"pii_purged_at" timestamp with time zone,
	"lines_changed_in_wms" boolean DEFAULT false NOT NULL,
	"released_at" timestamp with time zone,
	"wms_started_at" timestamp with time zone,
	"terminal_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_code" text NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"upc" text,
	"price" numeric(14, 4),
	"image_urls" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_kit" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shipment_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shipment_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"quantity" integer NOT NULL,
	"order_line_id" uuid,
	CONSTRAINT "shipment_lines_quantity_positive" CHECK ("shipment_lines"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"wms_shipment_id" text NOT NULL,
	"carrier" text,
	"service" text,
	"tracking_numbers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"tracking_url" text,
	"shipped_at" timestamp with time zone NOT NULL,
	"status" "shipment_status" DEFAULT 'pending' NOT NULL,
	"status_message" text,
	"channel_fulfillment_id" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"connection_id" uuid NOT NULL,
	"stream" "sync_stream" NOT NULL,
	"high_water_at" timestamp with time zone,
	"position" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_connection_id_stream_pk" PRIMARY KEY("connection_id","stream")
);
--> statement-breakpoint
CREATE TABLE "webhook_receipts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" "channel" NOT NULL,
	"event_id" text NOT NULL,
	"topic" text NOT NULL,
	"store_identity" text NOT NULL,
	"connection_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "connection_credentials" ADD CONSTRAINT "connection_credentials_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_events" ADD CONSTRAINT "integration_events_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kit_components" ADD CONSTRAINT "kit_components_kit_product_id_products_id_fk" FOREIGN KEY ("kit_product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kit_components" ADD CONSTRAINT "kit_components_component_product_id_products_id_fk" FOREIGN KEY ("component_product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_lines" ADD CONSTRAINT "shipment_lines_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_lines" ADD CONSTRAINT "shipment_lines_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "public"."order_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_receipts" ADD CONSTRAINT "webhook_receipts_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connections_store_identity_key" ON "connections" USING btree ("channel","store_identity") WHERE "connections"."status" <> 'disconnected' and "connections"."store_identity" is not null;--> statement-breakpoint
CREATE INDEX "integration_events_connection_created_idx" ON "integration_events" USING btree ("connection_id","created_at");--> statement-breakpoint
CREATE INDEX "integration_events_open_errors_idx" ON "integration_events" USING btree ("severity","resolved_at");--> statement-breakpoint
CREATE UNIQUE INDEX "integration_events_open_group_key" ON "integration_events" USING btree ("group_key") WHERE "integration_events"."resolved_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "listings_connection_item_key" ON "listings" USING btree ("connection_id","channel_item_id");--> statement-breakpoint
CREATE INDEX "listings_product_idx" ON "listings" USING btree ("product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "order_lines_order_channel_line_key" ON "order_lines" USING btree ("order_id","channel_line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_connection_channel_order_key" ON "orders" USING btree ("connection_id","channel_order_id");--> statement-breakpoint
CREATE INDEX "orders_status_updated_idx" ON "orders" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "orders_connection_number_idx" ON "orders" USING btree ("connection_id","order_number");--> statement-breakpoint
CREATE UNIQUE INDEX "products_client_sku_key" ON "products" USING btree ("client_code","sku");--> statement-breakpoint
CREATE UNIQUE INDEX "shipment_lines_shipment_sku_key" ON "shipment_lines" USING btree ("shipment_id","sku");--> statement-breakpoint
CREATE UNIQUE INDEX "shipments_order_wms_shipment_key" ON "shipments" USING btree ("order_id","wms_shipment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_receipts_channel_event_key" ON "webhook_receipts" USING btree ("channel","event_id");