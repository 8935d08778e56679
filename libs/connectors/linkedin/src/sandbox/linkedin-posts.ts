/** The Posts API create payload and its Rest.li schema validation. */
export const VISIBILITIES = ['PUBLIC', 'CONNECTIONS', 'LOGGED_IN', 'CONTAINER'] as const;
export const CREATE_LIFECYCLE_STATES = ['PUBLISHED', 'DRAFT'] as const;
export const FEED_DISTRIBUTIONS = ['MAIN_FEED', 'NONE'] as const;
export const COMMENTARY_MAX = 3000;

export interface LinkedInPost {
  id: string;
  author: string;
  commentary: string;
  visibility: (typeof VISIBILITIES)[number];
  lifecycleState: (typeof CREATE_LIFECYCLE_STATES)[number];
  distribution: { feedDistribution: (typeof FEED_DISTRIBUTIONS)[number]; targetEntities: unknown[]; thirdPartyDistributionChannels: unknown[] };
  isReshareDisabledByAuthor: boolean;
  /** An article share (`content.article`): a link with its title and description; no thumbnail upload here. */
  content?: { article: { source: string; title: string; description?: string } };
  createdAt: number;
  lastModifiedAt: number;
  publishedAt?: number;
}

const AUTHOR_URN = /^urn:li:(organization:\d+|person:[A-Za-z0-9_-]+)$/;

/** Returns Rest.li-style problems ("/path :: reason"), or the normalised post fields. */
export function validatePost(body: Record<string, unknown>): { problems: string[]; post?: Omit<LinkedInPost, 'id' | 'createdAt' | 'lastModifiedAt' | 'publishedAt'> } {
  const problems: string[] = [];
  const required = (field: string) => {
    if (body[field] === undefined || body[field] === null) problems.push(`/${field} :: field is required but not found and has no default value`);
    return body[field] !== undefined && body[field] !== null;
  };
  const enumOf = (field: string, symbols: readonly string[], value: unknown) => {
    if (typeof value !== 'string' || !symbols.includes(value)) problems.push(`/${field} :: ${JSON.stringify(value)} is not an enum symbol`);
  };

  if (required('author') && (typeof body.author !== 'string' || !AUTHOR_URN.test(body.author))) {
    problems.push(`/author :: ${JSON.stringify(body.author)} is not a valid author URN (urn:li:organization:N or urn:li:person:ID)`);
  }
  if (required('commentary')) {
    if (typeof body.commentary !== 'string') problems.push(`/commentary :: ${JSON.stringify(body.commentary)} is not a string`);
    else if (body.commentary.length > COMMENTARY_MAX) problems.push(`/commentary :: length ${body.commentary.length} exceeds maximum of ${COMMENTARY_MAX}`);
  }
  if (required('visibility')) enumOf('visibility', VISIBILITIES, body.visibility);
  if (required('lifecycleState')) enumOf('lifecycleState', CREATE_LIFECYCLE_STATES, body.lifecycleState);
  const dist = body.distribution as Record<string, unknown> | undefined;
  if (required('distribution')) {
    if (typeof dist !== 'object' || Array.isArray(dist)) problems.push('/distribution :: is not a record');
    else if (dist.feedDistribution === undefined) problems.push('/distribution/feedDistribution :: field is required but not found and has no default value');
    else enumOf('distribution/feedDistribution', FEED_DISTRIBUTIONS, dist.feedDistribution);
  }
  const article = validateContent(body.content, problems);
  if (problems.length > 0) return { problems };
  return {
    problems,
    post: {
      author: body.author as string,
      commentary: body.commentary as string,
      visibility: body.visibility as LinkedInPost['visibility'],
      lifecycleState: body.lifecycleState as LinkedInPost['lifecycleState'],
      distribution: {
        feedDistribution: dist!.feedDistribution as LinkedInPost['distribution']['feedDistribution'],
        targetEntities: Array.isArray(dist!.targetEntities) ? dist!.targetEntities : [],
        thirdPartyDistributionChannels: Array.isArray(dist!.thirdPartyDistributionChannels) ? dist!.thirdPartyDistributionChannels : [],
      },
      isReshareDisabledByAuthor: body.isReshareDisabledByAuthor === true,
      ...(article ? { content: { article } } : {}),
    },
  };
}

export const ARTICLE_TITLE_MAX = 400;
export const ARTICLE_DESCRIPTION_MAX = 4086;

/** `content.article`: `source` (an http(s) URL) and `title` required, `description` optional. Other content kinds are not modelled. */
function validateContent(content: unknown, problems: string[]): { source: string; title: string; description?: string } | undefined {
  if (content === undefined || content === null) return undefined;
  if (typeof content !== 'object' || Array.isArray(content)) {
    problems.push('/content :: is not a record');
    return undefined;
  }
  const article = (content as Record<string, unknown>).article as Record<string, unknown> | undefined;
  if (article === undefined) {
    problems.push('/content :: only content.article is supported by this sandbox');
    return undefined;
  }
  if (typeof article !== 'object' || article === null || Array.isArray(article)) {
    problems.push('/content/article :: is not a record');
    return undefined;
  }
  const { source, title, description } = article;
  if (source === undefined) problems.push('/content/article/source :: field is required but not found and has no default value');
  else if (typeof source !== 'string' || !/^https?:\/\//.test(source) || !URL.canParse(source)) problems.push(`/content/article/source :: ${JSON.stringify(source)} is not a valid URL`);
  if (title === undefined) problems.push('/content/article/title :: field is required but not found and has no default value');
  else if (typeof title !== 'string') problems.push(`/content/article/title :: ${JSON.stringify(title)} is not a string`);
  else if (title.length > ARTICLE_TITLE_MAX) problems.push(`/content/article/title :: length ${title.length} exceeds maximum of ${ARTICLE_TITLE_MAX}`);
  if (description !== undefined && (typeof description !== 'string' || description.length > ARTICLE_DESCRIPTION_MAX)) {
    problems.push(`/content/article/description :: is not a string of at most ${ARTICLE_DESCRIPTION_MAX} characters`);
  }
  if (typeof source !== 'string' || typeof title !== 'string') return undefined;
  return { source, title, ...(typeof description === 'string' ? { description } : {}) };
}
