/** The OpenAPI 3 document, generated from the routes' own zod schemas (z.toJSONSchema). */
import { z } from 'zod';
import type { AnyRouteSpec, RouteRegistry } from './route';
import { ErrorResponse } from './schemas';

const STATUS_TEXT: Record<string, string> = {
  '400': '请求无效',
  '401': '未登录或令牌无效',
  '403': '无权操作',
  '404': '不存在',
  '409': '评价周期当前状态不允许',
  '413': '内容过大',
  '422': '参数校验失败',
};

const schemaOf = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;

function parameters(spec: AnyRouteSpec): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
    }
  }
  return out;
}

function securityOf(spec: AnyRouteSpec): unknown[] {
  return spec.access === 'public' ? [{}, { bearer: [] }, { session: [] }] : [{ bearer: [] }, { session: [] }];
}

export function openApiDocument(registry: RouteRegistry): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of registry.routes) {
    const path = `/api/v1${spec.path.replace(/:([A-Za-z_]\w*)/g, '{$1}')}`;
    const produces = spec.produces ?? 'application/json';
    const op: Record<string, unknown> = {
      summary: spec.summary,
      tags: spec.tags,
      description: spec.access === 'public' ? '公开（不登录只能访问已发布的评价周期）' : `角色：${spec.access.join('、')}`,
      parameters: parameters(spec),
      security: securityOf(spec),
      responses: {
        '200': { description: '成功', content: { [produces]: { schema: spec.response ? schemaOf(spec.response, 'output') : produces === 'application/json' ? { type: 'object' } : { type: 'string', format: 'binary' } } } },
        ...Object.fromEntries(Object.entries(STATUS_TEXT).map(([code, description]) => [code, { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }])),
      },
    };
    if (spec.body && spec.method !== 'get') {
      op.requestBody = spec.upload
        ? {
            required: true,
            content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'CSV（UTF-8 或 GBK）或 XLSX' } } } } },
          }
        : { required: false, content: { 'application/json': { schema: schemaOf(spec.body, 'input') } } };
    }
    (paths[path] ??= {})[spec.method] = op;
  }
  return {
    openapi: '3.0.3',
    info: { title: '物业服务企业红黑榜评价引擎 API', version: '0.1.0', description: '错误统一为 {"error":{"code","message","details"}}，message 为中文。' },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: schemaOf(ErrorResponse, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'hhb tokens create 生成的访问令牌' },
        session: { type: 'apiKey', in: 'cookie', name: 'hhb_sid', description: '网页登录的会话；写操作须带 X-CSRF-Token' },
      },
    },
  };
}
