package phi

// stopwords are capitalised words that follow "patient", "Mr", "his wife"
// and the like without being a person's name: sentence openers, clinical
// vocabulary, departments, eponyms, weekdays. Philter's safe-word list plays
// the same role at a much larger scale; this one covers what clinicians write
// in short posts.
const stopwords = `
a about above after again against all almost also although always am among an and
another any anyone anything are around as at away back be because been before being
below between both but by can cannot could did do does doing done down during each
either else enough even ever every everyone everything few first for from further had
has have having here how however if in into is it its itself just last least less let
like many may maybe me might more most much must my never new next no nobody none nor
not nothing now of off often on once one only or other others otherwise our out over
own perhaps please quite rather really same should since so some someone something
sometimes still such than that the their them then there these they this those though
through thus to today tomorrow tonight too under until up upon us very was we well were
what whatever when where whether which while who whom whose why will with within without
would yes yesterday yet you your

accepted admitted advised agreed allergic alert anyone apparently arrived asked aware
became becomes being believes brought came called came comes complains complaining
continues currently declined denied denies developed did discharged doing education
explained fell felt found gave given goes going got had has improving is keeps known
lives looked looks made makes mentioned needs noted now notes presented presents
refused reports reported requested requires returned said says seemed seems seen sent
started states stated still stopped takes taking tells thinks told tolerated tried
underwent unable used wants was went will wishes woke works

about ace acute advocacy advice alone ambulance anaesthetics anesthesia anonymised
antenatal assessment audit bay bed benefits board care cardiology carer case cases
centre center charity chart chemo chest choice clinic clinical clinics code consent
consultant consultation coordinator council covid critical data day days dementia
department dermatology diabetes diet discharge doctor doctors ed emergency endocrine
endoscopy engagement ent experience experiences family feedback first flow forum
gastro gastroenterology general geriatrics group gp guide handbook harm health
healthcare heart hematology haematology history home hospice hospital icu information
inpatient inpatients intensive involvement journey kidney lab leaflet liaison list
medical medicine medicines mental midwifery neonatal nephrology neurology neurosurgery
news night nights notes nurse nursing obstetrics oncology orthopaedics orthopedics
outcome outcomes outpatient outpatients paediatrics pediatrics pain palliative panel
partners pathway patient patients pharmacy physio physiotherapy plan portal primary
privacy psychiatry public radiology record records recovery referral registry renal
report reported representative research respiratory resus review rheumatology room
rounds safety satisfaction screening service services social specialist stories story
support surgery surgical survey team teams theatre therapy transport trauma trust
unit urology voice voices ward wards welfare wellbeing zero

monday tuesday wednesday thursday friday saturday sunday weekend
christmas easter diwali eid ramadan hanukkah thanksgiving new year
god covid coronavirus flu influenza
`

// eponyms name diseases and signs. They are rejected after "patient" or "his
// wife" ("patient Crohn's…" is a disease) but accepted after an honorific,
// where "Mr Wilson" is a surname.
const eponyms = `
alzheimer alzheimers addison addisons asperger bell bells burkitt crohn crohns cushing
cushings down epstein barr graves guillain hashimoto hodgkin hodgkins huntington
kawasaki parkinson parkinsons raynaud raynauds reiter sjogren stevens johnson takotsubo
tourette turner wilson wilms wernicke korsakoff whipple wolff marfan ehlers danlos
gilbert gilberts lyme paget pagets bartter conn conns meniere menieres

aspirin apixaban rivaroxaban warfarin heparin insulin metformin morphine oxycodone
paracetamol tylenol lasix keppra eliquis xarelto ozempic wegovy mounjaro humira
coumadin plavix lipitor ventolin seretide symbicort biktarvy

african american asian black british english european hispanic latino latina white
indian chinese irish scottish welsh polish muslim christian jewish hindu sikh catholic

hx dx rx tx sx fx bx px cx ix
`
