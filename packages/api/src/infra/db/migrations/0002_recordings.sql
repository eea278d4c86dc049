ALTER TABLE "lives" ADD COLUMN "recording_url" text;--> statement-breakpoint
ALTER TABLE "short_videos" ADD COLUMN "recording_url" text;--> statement-breakpoint
ALTER TABLE "short_videos" ADD COLUMN "recording" jsonb;