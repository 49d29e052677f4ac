/**
 * The domains' job starters: importing a domain's jobs file registers its workers and
 * schedules on `jobStarters`. One line per domain.
 */
import '../requests/request-jobs.ts';
import '../governance/governance-jobs.ts';
import '../retention/retention-jobs.ts';
import '../notice/notice-jobs.ts';
