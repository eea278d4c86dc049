import { PageLoading } from '@/components/page-loading';

export default function OperatorPageLoading() {
  return <PageLoading what="the dashboard" />;
}
