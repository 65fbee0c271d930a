// Every number the HR rules use, in one place, each with where it comes from.
// A council with a different policy changes it here; the rules only read it.

export const HR_POLICY = {
  supervision: {
    // LGA Standards for Employers of Social Workers, Standard 5 (supervision), and the
    // Skills for Care ASYE framework: newly qualified staff weekly for the first
    // 6 weeks, fortnightly to 6 months, then monthly; everyone else at least monthly.
    asyeWeeklyForWeeks: 6,
    asyeFortnightlyUntilMonths: 6,
    asyeWeeklyIntervalDays: 7,
    asyeFortnightlyIntervalDays: 14,
    othersEveryMonths: 1,
    /** A session due within this many days is shown as "due soon" (service practice). */
    dueSoonDays: 7,
  },
  sickness: {
    // Council sickness absence policy (and HMRC: self-certification covers the first
    // 7 calendar days; a fit note is needed from day 8).
    selfCertMaxCalendarDays: 7,
    // Council sickness absence policy: the return-to-work interview is held on the
    // first day back and at the latest within 3 working days of it.
    rtwWithinWorkingDays: 3,
    // Council sickness absence policy: the trigger is 3 episodes or 10 working days in a
    // rolling 12 months, pro rata to FTE for part-time staff.
    triggerEpisodes: 3,
    triggerWorkingDays: 10,
    rollingMonths: 12,
    // ACAS / CIPD: long-term absence is 4 weeks (28 calendar days) or more.
    longTermCalendarDays: 28,
    // Council OH referral procedure: refer from day 1 for stress, anxiety, depression
    // and musculoskeletal causes (HSE Management Standards; early intervention), from
    // day 21 for any other cause.
    ohFromDayOneCauses: ["stress_anxiety_depression", "musculoskeletal"] as readonly string[],
    ohOtherFromDay: 21,
  },
  approval: {
    // Mental Health Act 1983 s.114 and the Mental Health (Approved Mental Health
    // Professionals) (Approval) (England) Regulations 2008, reg. 5: approval for at
    // most 5 years; reg. 6 / Schedule 2: at least 18 hours of AMHP-relevant training in
    // each year of approval.
    maxYears: 5,
    trainingHoursPerYear: 18,
    // Service practice: warn 90 days before an approval (or an approval year) ends,
    // so re-approval panels and training can be arranged in time.
    warningDays: 90,
  },
  integrity: {
    // Council records management policy: an entry made more than 7 days after the
    // event needs a reason and is flagged late.
    lateAfterDays: 7,
  },
} as const;
