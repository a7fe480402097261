import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@frontdesk/server/router';

// Shapes of what the server returns, inferred from the router type.
type Out = inferRouterOutputs<AppRouter>;
export type Branch = Out['catalog']['branches'][number];
export type Service = Out['catalog']['services'][number];
export type CatalogResource = Out['catalog']['resources'][number];
export type Product = Out['catalog']['products'][number];
export type Patient = Out['patients']['search'][number];
export type AuditEntry = Out['admin']['audit']['appointment'][number];
export type SetupProduct = Out['setup']['products']['list'][number];
export type StockHistoryEntry = Out['setup']['products']['stockHistory'][number];
export type SessionTemplate = Out['setup']['sessions']['list'][number];
export type SessionTemplateChange = Out['setup']['sessions']['create'];
