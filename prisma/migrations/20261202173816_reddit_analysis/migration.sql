-- CreateTable
CREATE TABLE "reddit_monitor_cursor" (
    "tenantId" TEXT NOT NULL,
    "connection" TEXT NOT NULL,
    "subreddit" TEXT NOT NULL,
    "lastFullname" TEXT,
    "lastCreatedUtc" DOUBLE PRECISION,
    "lastCommandId" UUID,
    "runs" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reddit_monitor_cursor_pkey" PRIMARY KEY ("tenantId","connection","subreddit")
);

-- CreateTable
CREATE TABLE "reddit_analysis" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subreddit" TEXT,
    "query" TEXT,
    "commandId" UUID NOT NULL,
    "itemCount" INTEGER NOT NULL,
    "result" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reddit_analysis_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "reddit_analysis_commandId_key" ON "reddit_analysis"("commandId");

-- CreateIndex
CREATE INDEX "reddit_analysis_tenantId_kind_createdAt_idx" ON "reddit_analysis"("tenantId", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "reddit_analysis_tenantId_subreddit_createdAt_idx" ON "reddit_analysis"("tenantId", "subreddit", "createdAt");
