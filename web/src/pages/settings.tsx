import { PageHeader } from '../components/layout.tsx';
import { Async } from '../components/states.tsx';
import { useApi } from '../use-api.ts';

export default function Page() {
  const loaded = useApi<unknown>('/api/settings');
  return (
    <>
      <PageHeader title="Settings" />
      <Async loaded={loaded} feature="Settings">
        {() => null}
      </Async>
    </>
  );
}
