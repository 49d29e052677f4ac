import { PageHeader } from '../components/layout.tsx';
import { Async } from '../components/states.tsx';
import { useApi } from '../use-api.ts';

export default function Page() {
  const loaded = useApi<unknown>('/api/notice');
  return (
    <>
      <PageHeader title="Notice" />
      <Async loaded={loaded} feature="Notice">
        {() => null}
      </Async>
    </>
  );
}
