-- /readyz asks, as the runtime role, whether every migration the server knows
-- is applied (apps/server/src/observability/readiness.ts). It may read which
-- migrations finished, nothing else of the migrator's bookkeeping, and change none.
GRANT SELECT (migration_name, finished_at, rolled_back_at) ON "_prisma_migrations" TO frontdesk_app;
