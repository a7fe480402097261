import { StaffRepository } from './admin/staff.repository.js';
import { StaffService } from './admin/staff.service.js';
import { AffectedAppointments } from './affected/affected.js';
import { AffectedRepository } from './affected/affected.repository.js';
import { AuditRepository } from './audit/audit.repository.js';
import { AuditService } from './audit/audit.service.js';
import { AuthRepository } from './auth/auth.repository.js';
import { AuthService } from './auth/auth.service.js';
import { AvailabilityRepository } from './availability/availability.repository.js';
import { AvailabilityService } from './availability/availability.service.js';
import { CatalogueCache } from './availability/catalogue-cache.js';
import { Appointments } from './booking/appointments.js';
import { BookingRepository } from './booking/booking.repository.js';
import { BookingService } from './booking/booking.service.js';
import { Conflicts } from './booking/conflicts.js';
import { BranchesRepository } from './branches/branches.repository.js';
import { BranchesService } from './branches/branches.service.js';
import { CatalogRepository } from './catalog/catalog.repository.js';
import { CatalogService } from './catalog/catalog.service.js';
import { ClinicRepository } from './clinic/clinic.repository.js';
import { ClinicService } from './clinic/clinic.service.js';
import { HoldExpiry } from './booking/hold-expiry.js';
import { HoldChanges } from './booking/hold-changes.js';
import { AppointmentEdits } from './booking/appointment-edit.js';
import { VisitRepository } from './booking/visit.repository.js';
import { VisitService } from './booking/visit.service.js';
import { SessionHolds } from './booking/session-holds.js';
import { MoveWithinTransaction } from './booking/move-within.js';
import { ServiceTermsCache } from './booking/service-terms.js';
import { DaySheetRepository } from './daysheet/daysheet.repository.js';
import { DaySheetService } from './daysheet/daysheet.service.js';
import { FirstRunRepository } from './firstrun/firstrun.repository.js';
import { FirstRunService } from './firstrun/firstrun.service.js';
import { createPrisma, type PrismaClient } from './db/prisma.js';
import { scopedClient } from './db/request-scope.js';
import { wakeAfterCommit } from './db/commit-wake.js';
import type { DatabaseUrls } from './db/roles.js';
import { HoursRepository } from './hours/hours.repository.js';
import { HoursService } from './hours/hours.service.js';
import { IdempotencyRepository } from './idempotency/idempotency.repository.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { ImportsRepository } from './imports/imports.repository.js';
import { ImportsService } from './imports/imports.service.js';
import { PatientProfileRepository } from './patients/patient-profile.repository.js';
import { PatientsRepository } from './patients/patients.repository.js';
import { PatientsService } from './patients/patients.service.js';
import { DisplayRepository } from './queue/display.repository.js';
import { DisplayService } from './queue/display.service.js';
import { QueueRepository } from './queue/queue.repository.js';
import { QueueService } from './queue/queue.service.js';
import type { Logger } from './logger.js';
import { ResourcesRepository } from './resources/resources.repository.js';
import { ResourcesService } from './resources/resources.service.js';
import { ScheduleRepository } from './schedule/schedule.repository.js';
import { ScheduleService } from './schedule/schedule.service.js';
import { ServicesRepository } from './services/services.repository.js';
import { ServicesService } from './services/services.service.js';
import { ProductsRepository } from './products/products.repository.js';
import { ProductsService } from './products/products.service.js';
import { SessionsRepository } from './sessions/sessions.repository.js';
import { SessionTemplatesService } from './sessions/sessions.service.js';
import { LogReader } from './sync/log-reader.js';
import { StreamLimit } from './sync/stream-limit.js';
import { TokensRepository } from './tokens/tokens.repository.js';
import { TokensService } from './tokens/tokens.service.js';
import { messagingDeps, type MessagingDeps, type MessagingOptions } from './messages/wiring.js';
import { ApiClientsRepository } from './api-clients/api-clients.repository.js';
import { ApiClientsService } from './api-clients/api-clients.service.js';
import { BulkPublish } from './fhir/bulk-publish.js';
import { FhirRepository } from './fhir/fhir.repository.js';
import { FhirService } from './fhir/fhir.service.js';
import { SeriesChecks } from './series/series-plan.js';
import { SeriesChanges } from './series/series-changes.js';
import { SeriesRepository } from './series/series.repository.js';
import { SeriesService } from './series/series.service.js';
import type { WaitlistMatcher } from './waitlist/matcher.js';
import type { OfferLinks } from './waitlist/offer-link.js';
import type { WaitlistService } from './waitlist/waitlist.service.js';
import { waitlistDeps } from './waitlist/wiring.js';

/** Everything procedures need, built once per server process. */
export interface Deps {
  /** The runtime role's client, following the request's tenant scope (db/request-scope.ts). */
  db: PrismaClient;
  urls: DatabaseUrls;
  logger: Logger;
  auth: AuthService;
  /** This process's reader of the event log; started by the background jobs (or a first subscriber). */
  logReader: LogReader;
  /** Open live streams per session in this process. */
  streams: StreamLimit;
  /** Service catalogues kept for a few seconds; schedule commands invalidate them. */
  catalogues: CatalogueCache;
  availability: AvailabilityService;
  daySheet: DaySheetService;
  booking: BookingService;
  tokens: TokensService;
  /** The walk-in queue: call next, recall, skip, served, walk-ins by name. */
  queue: QueueService;
  /** Waiting-room display links and the public page's state (served at /display/<secret>). */
  display: DisplayService;
  /** Expires lapsed holds with their events; the hold sweeper runs it. */
  holdExpiry: HoldExpiry;
  /** A desk's own hold: another service in its place, or let go when the desk moves on. */
  holds: HoldChanges;
  /** A visit's progress (check-in window, consultation, completed, no-show) and cancelling with a reason. */
  visits: VisitService;
  /** A booked appointment's service, patient, practitioner/room or note changed in place. */
  edits: AppointmentEdits;
  patients: PatientsService;
  catalog: CatalogService;
  /** The clinic's settings (the clock format every desk follows). */
  clinic: ClinicService;
  /** Settles the appointments a setup change affects (keep, cancel, move), inside that change's transaction. */
  affected: AffectedAppointments;
  /** Time off and weekly hours; its commands invalidate `catalogues`. */
  schedule: ScheduleService;
  /** A resource's week of hours at a branch, date exceptions and leave (setup.hours). */
  hours: HoursService;
  /** Branches: details, opening hours, holidays and closures, open for booking or not. */
  branches: BranchesService;
  /** Practitioners, rooms, chairs and devices: branches, tags, colour, active or not. */
  resources: ResourcesService;
  staff: StaffService;
  /** The first run of an empty server (organisation, first branch, first admin) and its setup code. */
  firstRun: FirstRunService;
  audit: AuditService;
  /** CSV imports of patients and of resources with their hours (served at /import/<kind>). */
  imports: ImportsService;
  /** Services: what they take and need, who offers them, their prices per branch (and the manager's catalog.setPrice). */
  services: ServicesService;
  /** Products, branch prices, stock received and adjusted with a reason, low-stock thresholds. */
  products: ProductsService;
  /** Recurring walk-in sessions and the capacity sessions generated from them. */
  sessionTemplates: SessionTemplatesService;
  /** Recurring series: checked, booked in one transaction, changed by occurrence, following or whole. */
  series: SeriesService;
  seriesChanges: SeriesChanges;
  /** The waitlist: entries, open offers, booking an offer (a held one is confirmed). */
  waitlist: WaitlistService;
  /** Matches freed time (queued from the event log) against the waitlist; the background worker runs it. */
  waitlistMatcher: WaitlistMatcher;
  /** The patient's accept/decline link of a held waitlist offer (/w/…). */
  offerLinks: OfferLinks;
  /** Systems booking through /fhir/R4: registered by an admin, OAuth2 client credentials, bearer tokens. */
  apiClients: ApiClientsService;
  /** The FHIR R4 scheduling API (its bookings through the booking commands) and SMART Scheduling Links. */
  fhir: FhirService;
  fhirBulk: BulkPublish;
  /** Reminders and confirmations: settings, sending, the patient's link (messages/wiring.ts). */
  messages: MessagingDeps['messages'];
  messageDispatcher: MessagingDeps['messageDispatcher'];
  outbox: MessagingDeps['outbox'];
  now: () => Date;
}

export interface DepsOptions {
  urls: DatabaseUrls;
  logger: Logger;
  poolSize?: number;
  /** FRONTDESK_DB_PREPARE (db/pg-tx.ts). */
  prepareStatements?: boolean;
  now?: () => Date;
  /** How many days ahead walk-in sessions are generated (default 28). */
  sessionDaysAhead?: number;
  /** SMTP, From address, the patients' links' address, an SMS provider (messages/wiring.ts). */
  messaging?: MessagingOptions;
}

export function createDeps(options: DepsOptions): Deps {
  const db = scopedClient(createPrisma({ url: options.urls.app, poolSize: options.poolSize ?? 20, poolName: 'app', prepareStatements: options.prepareStatements ?? false }));
  const now = options.now ?? (() => new Date());
  const slots = new AvailabilityRepository();
  const catalogues = new CatalogueCache(db, slots);
  const availability = new AvailabilityService(db, slots, catalogues, now);
  const bookings = new BookingRepository();
  // A hold belongs to the sign-in that made it: released when the desk moves on or the sign-in ends.
  const sessionHolds = new SessionHolds(bookings);
  const holdExpiry = new HoldExpiry(db, bookings, sessionHolds);
  const idempotency = new IdempotencyService(db, new IdempotencyRepository());
  const appointments = new Appointments(db, bookings, now);
  const conflicts = new Conflicts(availability, holdExpiry, db, bookings);
  const affected = new AffectedAppointments(new AffectedRepository(), bookings, appointments, new MoveWithinTransaction(bookings, appointments, availability, conflicts, holdExpiry), availability, now);
  const auth = new AuthService(db, new AuthRepository(), sessionHolds, now);
  const serviceTerms = new ServiceTermsCache(db, bookings);
  const schedule = new ScheduleService(db, catalogues, new ScheduleRepository(), affected, now);
  const booking = new BookingService(db, bookings, appointments, availability, conflicts, serviceTerms, idempotency, sessionHolds, now);
  const visits = new VisitService(db, new VisitRepository(), bookings, appointments, now);
  const patients = new PatientsService(db, new PatientsRepository(), new PatientProfileRepository());
  const fhirRepo = new FhirRepository();
  const fhir = new FhirService(db, fhirRepo, booking, visits, availability, catalogues, patients, now);
  return {
    db,
    urls: options.urls,
    logger: options.logger,
    auth,
    // The reader wakes every process's readers after this process's commits (db/commit-wake.ts).
    logReader: wakeAfterCommit(db, new LogReader({ databaseUrl: options.urls.sync, logger: options.logger })),
    streams: new StreamLimit(),
    catalogues,
    availability,
    daySheet: new DaySheetService(db, new DaySheetRepository(), now),
    booking,
    tokens: new TokensService(db, new TokensRepository(), idempotency),
    queue: new QueueService(db, new QueueRepository(), new TokensRepository()),
    display: new DisplayService(db, new DisplayRepository(), now),
    holdExpiry,
    holds: new HoldChanges(db, bookings, appointments, availability, conflicts, serviceTerms, sessionHolds),
    visits,
    edits: new AppointmentEdits(db, bookings, new VisitRepository(), appointments, availability, conflicts, serviceTerms),
    patients,
    catalog: new CatalogService(db, new CatalogRepository()),
    clinic: new ClinicService(db, new ClinicRepository()),
    affected,
    schedule,
    hours: new HoursService(db, new HoursRepository(), schedule, affected, catalogues, now),
    branches: new BranchesService(db, new BranchesRepository(), schedule, affected, catalogues, now),
    resources: new ResourcesService(db, new ResourcesRepository(), affected, catalogues, now),
    staff: new StaffService(db, new StaffRepository(), now, sessionHolds),
    firstRun: new FirstRunService(db, new FirstRunRepository(), auth),
    audit: new AuditService(db, new AuditRepository()),
    imports: new ImportsService(db, new ImportsRepository(), catalogues, now),
    services: new ServicesService(db, new ServicesRepository(), catalogues, serviceTerms, affected, now),
    products: new ProductsService(db, new ProductsRepository()),
    series: new SeriesService(db, new SeriesRepository(), new SeriesChecks(db, availability, bookings), booking, appointments, serviceTerms, idempotency, bookings, now),
    seriesChanges: new SeriesChanges(db, new SeriesRepository(), bookings, new VisitRepository(), appointments, booking, new VisitService(db, new VisitRepository(), bookings, appointments, now), new MoveWithinTransaction(bookings, appointments, availability, conflicts, holdExpiry), now),
    sessionTemplates: new SessionTemplatesService(db, new SessionsRepository(), now, options.sessionDaysAhead ?? 28),
    ...waitlistDeps(db, booking, availability, serviceTerms, options.messaging?.publicUrl, now, options.logger),
    apiClients: new ApiClientsService(db, new ApiClientsRepository(), now),
    fhir,
    fhirBulk: new BulkPublish(db, fhirRepo, fhir, now),
    ...messagingDeps(db, options.logger, new VisitService(db, new VisitRepository(), bookings, appointments, now), options.messaging, now),
    now,
  };
}
