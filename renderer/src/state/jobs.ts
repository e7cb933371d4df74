/**
 * A page's view of the jobs: subscribed while the page is shown. Pages remount on every visit, so a
 * subscription that outlived its page would keep updating refs nobody sees, once per visit.
 */
import { onBeforeUnmount } from 'vue';
import type { JobInfo } from '../../../shared/api/contract.ts';
import type { TagscapeClient } from '../client/client.ts';

export function watchJobs(client: TagscapeClient, listener: (jobs: JobInfo[]) => void): void {
  onBeforeUnmount(client.onJobs(listener));
}
