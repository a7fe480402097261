import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { setTimeFormat, useTimeFormat } from './time.js';
import { useTRPC } from './trpc.js';

/**
 * The clinic's settings, read once signed in and again when they change
 * (`clinic.settings_changed`): every time on this desk follows its clock.
 * Returns the format so the caller re-renders with it.
 */
export function useClinicClock() {
  const trpc = useTRPC();
  const settings = useQuery({ ...trpc.clinic.settings.queryOptions(), staleTime: Infinity });
  const format = settings.data?.timeFormat;
  useEffect(() => {
    if (format) setTimeFormat(format);
  }, [format]);
  return useTimeFormat();
}
