// The dashboard's template variables: the datasource, then where the series come from (namespace,
// job, pod: the labels Prometheus attaches to each scrape target) and the task. Each narrows the
// next: a namespace's jobs, a job's pods, their tasks.
import type { DatasourceVariable, QueryVariable } from './grafana-model.js'
import { DATASOURCE_REF } from './grafana-model.js'

export const datasourceVariable: DatasourceVariable = {
  type: 'datasource',
  name: 'datasource',
  label: 'Data source',
  query: 'prometheus',
  // No `current`: Grafana then picks the default Prometheus datasource of wherever it is loaded.
  hide: 0,
  includeAll: false,
  multi: false,
  options: [],
  refresh: 1,
  regex: '',
}

/**
 * A multi-select of a label's values, All by default. `allValue` is a regex rather than the list of
 * every value, which keeps the queries short with many apps and tasks; `.*` also matches series
 * without the label at all (namespace and pod exist only where the Prometheus Operator scrapes).
 */
function labelVariable(name: string, label: string, query: string, allValue: '.+' | '.*'): QueryVariable {
  return {
    type: 'query',
    name,
    label,
    datasource: DATASOURCE_REF,
    // qryType 1 = "label values" in the Prometheus variable query editor.
    query: { qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    current: { text: ['All'], value: ['$__all'] },
    hide: 0,
    includeAll: true,
    allValue,
    multi: true,
    options: [],
    // 2 = on time range change: pods come and go.
    refresh: 2,
    regex: '',
    sort: 1,
  }
}

// Agents are listed from taskmeter_build_info, which every agent exposes from its first scrape,
// so an agent that has no traffic yet can still be picked (for the agent row).
export const VARIABLE_QUERIES = {
  namespace: 'label_values(taskmeter_build_info, namespace)',
  job: 'label_values(taskmeter_build_info{namespace=~"$namespace"}, job)',
  pod: 'label_values(taskmeter_build_info{namespace=~"$namespace", job=~"$job"}, pod)',
  task: 'label_values(requests_total{namespace=~"$namespace", job=~"$job", pod=~"$pod"}, task)',
} as const

export const templateVariables = [
  datasourceVariable,
  labelVariable('namespace', 'Namespace', VARIABLE_QUERIES.namespace, '.*'),
  labelVariable('job', 'Job', VARIABLE_QUERIES.job, '.+'),
  labelVariable('pod', 'Pod', VARIABLE_QUERIES.pod, '.*'),
  labelVariable('task', 'Task', VARIABLE_QUERIES.task, '.+'),
]
