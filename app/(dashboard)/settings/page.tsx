import { SettingsView } from "@/components/dashboard/settings-view";
import { getQueryClient, HydrateClient, trpc } from "@/server/rsc";

export const dynamic = "force-dynamic";
export const metadata = { title: "Settings" };

export default function SettingsPage() {
  void getQueryClient().prefetchQuery(trpc.system.settings.queryOptions());
  return (
    <HydrateClient>
      <SettingsView />
    </HydrateClient>
  );
}
