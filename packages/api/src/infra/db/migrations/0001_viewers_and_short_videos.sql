CREATE TYPE "public"."short_video_status" AS ENUM('PENDING', 'PROCESSING', 'READY', 'FAILED');--> statement-breakpoint
CREATE SEQUENCE "public"."short_video_version_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "short_videos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"live_id" uuid NOT NULL,
	"live_title" text NOT NULL,
	"live_started_at" timestamp with time zone NOT NULL,
	"live_ended_at" timestamp with time zone NOT NULL,
	"status" "short_video_status" DEFAULT 'PENDING' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"stage" text,
	"completed_stages" text[] DEFAULT '{}'::text[] NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"highlight" jsonb,
	"video_url" text,
	"thumbnail_url" text,
	"duration_sec" double precision,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" bigint DEFAULT nextval('short_video_version_seq') NOT NULL,
	CONSTRAINT "short_videos_live_id_unique" UNIQUE("live_id")
);
--> statement-breakpoint
CREATE TABLE "viewer_summaries" (
	"live_id" uuid PRIMARY KEY NOT NULL,
	"peak" integer NOT NULL,
	"unique_viewers" integer NOT NULL,
	"timeline" jsonb NOT NULL,
	"frozen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "short_videos_newest_idx" ON "short_videos" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "short_videos_status_newest_idx" ON "short_videos" USING btree ("status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "short_videos_version_idx" ON "short_videos" USING btree ("version");