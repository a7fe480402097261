import { useEffect, useState } from 'react';

// What this desk remembers between screens and restarts: its name, where it
// was, the service it books most, and the hold it is turning into a booking.

const DESK_KEY = 'frontdesk.desk';
const PLACE_KEY = 'frontdesk.place';
const SERVICE_KEY = 'frontdesk.service';
const MY_HOLD_KEY = 'frontdesk.myHold';

export interface Place {
  branchId: string;
  date: string;
}

/** The desk's name as typed at the last sign-in (the Electron settings file keeps it too). */
export function storedDeskName(): string {
  return localStorage.getItem(DESK_KEY) ?? '';
}

export function rememberDeskName(desk: string): void {
  localStorage.setItem(DESK_KEY, desk);
}

export function storedPlace(): Partial<Place> {
  try {
    return JSON.parse(localStorage.getItem(PLACE_KEY) ?? '{}') as Partial<Place>;
  } catch {
    return {};
  }
}

export function rememberPlace(place: Place): void {
  localStorage.setItem(PLACE_KEY, JSON.stringify(place));
}

export function preferredService(): string {
  return localStorage.getItem(SERVICE_KEY) ?? '';
}

/** The service new bookings start with, kept across restarts once chosen. */
export function usePreferredService(): [string, (serviceId: string) => void] {
  const [serviceId, setServiceId] = useState(preferredService);
  useEffect(() => {
    if (serviceId) localStorage.setItem(SERVICE_KEY, serviceId);
  }, [serviceId]);
  return [serviceId, setServiceId];
}

/** The hold this window is completing (per window: another window is another desk). */
export function myHold(): string | null {
  return sessionStorage.getItem(MY_HOLD_KEY);
}

export function rememberMyHold(appointmentId: string | null): void {
  if (appointmentId) sessionStorage.setItem(MY_HOLD_KEY, appointmentId);
  else sessionStorage.removeItem(MY_HOLD_KEY);
}

// How this desk looks at the day: columns hidden per branch, named column
// sets per branch, colour by practitioner or service, and the zoom.
const VIEW_KEY = 'frontdesk.dayView';

export interface ColumnSet {
  name: string;
  resourceIds: string[];
}

export interface DayLook {
  /** Per branch: the columns left out (new resources show until hidden). */
  hidden: Record<string, string[]>;
  /** Per branch: named sets of shown columns. */
  sets: Record<string, ColumnSet[]>;
  colourBy: 'practitioner' | 'service';
  zoom: number;
}

const NO_LOOK: DayLook = { hidden: {}, sets: {}, colourBy: 'practitioner', zoom: 0 };

export function storedDayLook(): DayLook {
  try {
    return { ...NO_LOOK, ...(JSON.parse(localStorage.getItem(VIEW_KEY) ?? '{}') as Partial<DayLook>) };
  } catch {
    return NO_LOOK;
  }
}

/** The desk's look at the day, kept across reloads and restarts. */
export function useDayLook(): [DayLook, (change: (look: DayLook) => DayLook) => void] {
  const [look, setLook] = useState(storedDayLook);
  useEffect(() => {
    localStorage.setItem(VIEW_KEY, JSON.stringify(look));
  }, [look]);
  return [look, setLook];
}
