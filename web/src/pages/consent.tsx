import { PageHeader } from '../components/layout.tsx';
import { Async } from '../components/states.tsx';
import { useApi } from '../use-api.ts';

export default function Page() {
  const loaded = useApi<unknown>('/api/consent');
  return (
    <>
      <PageHeader title="Consent" />
      <Async loaded={loaded} feature="Consent">
        {() => null}
      </Async>
    </>
  );
}
