import { PageHeader } from '../components/layout.tsx';
import { Async } from '../components/states.tsx';
import { useApi } from '../use-api.ts';

export default function Page() {
  const loaded = useApi<unknown>('/api/governance');
  return (
    <>
      <PageHeader title="Governance" />
      <Async loaded={loaded} feature="Governance">
        {() => null}
      </Async>
    </>
  );
}
