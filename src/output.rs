//! What a finished build gives: its resources, printed as `kustomize build`
//! prints them, or split one file per resource as `kustomize build -o DIR`
//! names them.

use crate::error::Result;
use crate::resource::Resource;
use crate::yaml::{emit_stream, emit_stream_into, Value};
use std::collections::BTreeSet;

/// The resources of a finished build, in output order.
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub(crate) resources: Vec<Resource>,
}

/// One resource of an [`Output`], identified as kustomize identifies it.
#[derive(Clone, Copy, Debug)]
pub struct Document<'a> {
    res: &'a Resource,
}

impl<'a> Document<'a> {
    /// The resource's API group (`""` for the core group).
    pub fn group(&self) -> &'a str {
        self.res
            .api_version()
            .rsplit_once('/')
            .map_or("", |(g, _)| g)
    }
    /// Its kind.
    pub fn kind(&self) -> &'a str {
        self.res.kind()
    }
    /// Its `metadata.name`.
    pub fn name(&self) -> &'a str {
        self.res.name()
    }
    /// Its `metadata.namespace` (`""` when none is set).
    pub fn namespace(&self) -> &'a str {
        self.res.namespace()
    }
    /// The whole resource.
    pub fn value(&self) -> &'a Value {
        &self.res.obj
    }
    /// The resource alone, printed as `kustomize build` prints it.
    pub fn to_yaml(&self) -> Result<String> {
        Ok(emit_stream(std::iter::once(&self.res.obj))?)
    }
}

impl Output {
    /// The YAML stream `kustomize build` prints.
    pub fn to_yaml(&self) -> Result<String> {
        let mut out = String::new();
        self.write_yaml(&mut out)?;
        Ok(out)
    }

    /// [`Output::to_yaml`] appended to `out` (a buffer to reuse).
    pub fn write_yaml(&self, out: &mut String) -> Result<()> {
        Ok(emit_stream_into(
            self.resources.iter().map(|r| &r.obj),
            out,
        )?)
    }

    /// The resources, in output order.
    pub fn documents(&self) -> impl ExactSizeIterator<Item = Document<'_>> + '_ {
        self.resources.iter().map(|res| Document { res })
    }

    /// The file name `kustomize build -o DIR` gives each resource, in output
    /// order: `[group_]version_kind_name.yaml`, lower-cased, prefixed with
    /// the namespace when the namespaced resources span several namespaces.
    pub fn file_names(&self) -> Vec<String> {
        let mut namespaces = BTreeSet::new();
        for r in &self.resources {
            let id = r.cur_id();
            if !id.cluster_scoped {
                namespaces.insert(id.effective_namespace().to_string());
            }
        }
        self.resources
            .iter()
            .map(|r| {
                let id = r.cur_id();
                let gvk = &id.gvk;
                let parts: Vec<&str> = [&gvk.group, &gvk.version, &gvk.kind]
                    .into_iter()
                    .map(String::as_str)
                    .filter(|s| !s.is_empty())
                    .collect();
                let mut name = format!("{}_{}.yaml", parts.join("_"), id.name).to_lowercase();
                if !id.cluster_scoped && namespaces.len() > 1 {
                    name = format!("{}_{}", id.effective_namespace().to_lowercase(), name);
                }
                name
            })
            .collect()
    }
}
