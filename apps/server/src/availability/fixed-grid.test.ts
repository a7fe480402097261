import { describe, expect, it } from 'vitest';
import { localMinuteToInstant } from '@frontdesk/shared';
import { onFixedGrid } from './slot-search.js';

// Free time too short for any start may be read as busy only where a start's
// place on the grid cannot depend on where its free stretch began.

const DAY = 86_400_000;
const around = (date: string, zone: string, days = 3) => {
  const start = localMinuteToInstant(date, 0, zone) - DAY;
  return { start, end: start + days * DAY };
};

describe('onFixedGrid', () => {
  it('holds for steps that divide the hour, across an hour’s clock change (New York, March 2027)', () => {
    for (const step of [5, 10, 15, 20, 30, 60]) expect(onFixedGrid(['America/New_York'], around('2027-03-14', 'America/New_York'), step)).toBe(true);
  });

  it('holds in a zone a half hour off UTC that never changes (Kolkata), even for hourly steps', () => {
    expect(onFixedGrid(['Asia/Kolkata'], around('2027-03-14', 'Asia/Kolkata', 40), 60)).toBe(true);
  });

  it('fails for a step that does not divide the hour', () => {
    expect(onFixedGrid(['UTC'], around('2027-01-04', 'UTC'), 25)).toBe(false);
    expect(onFixedGrid(['UTC'], around('2027-01-04', 'UTC'), 45)).toBe(false);
  });

  it('fails across a half-hour clock change for hourly steps (Lord Howe Island, April 2027), holds for half hours and in other weeks', () => {
    expect(onFixedGrid(['Australia/Lord_Howe'], around('2027-04-04', 'Australia/Lord_Howe'), 60)).toBe(false);
    expect(onFixedGrid(['Australia/Lord_Howe'], around('2027-04-04', 'Australia/Lord_Howe'), 30)).toBe(true);
    expect(onFixedGrid(['Australia/Lord_Howe'], around('2027-05-04', 'Australia/Lord_Howe'), 60)).toBe(true);
  });

  it('fails when any one of the branches’ zones fails', () => {
    expect(onFixedGrid(['America/New_York', 'Australia/Lord_Howe'], around('2027-04-04', 'Australia/Lord_Howe'), 60)).toBe(false);
  });
});
