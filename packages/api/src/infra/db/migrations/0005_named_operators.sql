ALTER TABLE "lives" ADD COLUMN "created_by" text;--> statement-breakpoint
ALTER TABLE "lives" ADD COLUMN "started_by" text;--> statement-breakpoint
ALTER TABLE "lives" ADD COLUMN "ended_by" text;--> statement-breakpoint
ALTER TABLE "short_videos" ADD COLUMN "retried_by" text;