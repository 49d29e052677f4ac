import { PageHeader } from '../components/layout.tsx';
import { Async } from '../components/states.tsx';
import { useApi } from '../use-api.ts';

export default function Page() {
  const loaded = useApi<unknown>('/api/requests');
  return (
    <>
      <PageHeader title="Requests" />
      <Async loaded={loaded} feature="Requests">
        {() => null}
      </Async>
    </>
  );
}
