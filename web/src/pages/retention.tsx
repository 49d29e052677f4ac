import { PageHeader } from '../components/layout.tsx';
import { Async } from '../components/states.tsx';
import { useApi } from '../use-api.ts';

export default function Page() {
  const loaded = useApi<unknown>('/api/retention');
  return (
    <>
      <PageHeader title="Retention" />
      <Async loaded={loaded} feature="Retention">
        {() => null}
      </Async>
    </>
  );
}
